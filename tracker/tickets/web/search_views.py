"""/search?q=: one box over tickets, journals' notes and WGs."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user, login_required

from tracker.tickets.blueprint import bp
from tracker.tickets.search import COUNT_LIMIT, KINDS, search as run_search
from tracker.wg.views import load_wg

PER_PAGE = 25


@bp.get("/search")
@bp.get("/projects/<identifier>/search")
@login_required
def search(identifier: str | None = None):
    wg = load_wg(identifier) if identifier else None
    q = (request.args.get("q") or "").strip()[:200]
    kinds = [k for k in request.args.getlist("kinds") if k in KINDS] or list(KINDS)
    page = max(1, request.args.get("page", 1, type=int) or 1)
    # "#123" jumps to the ticket, as Redmine's search box does.
    if q.startswith("#") and q[1:].isdigit():
        from flask import redirect, url_for

        return redirect(url_for(".show", ticket_id=int(q[1:])))
    hits, total = run_search(current_user, q, kinds, wg=wg, offset=(page - 1) * PER_PAGE, limit=PER_PAGE) if q else ([], 0)
    shown_total = f"{COUNT_LIMIT}+" if total > COUNT_LIMIT else str(total)
    return render_template("tickets/search.html", q=q, hits=hits, total=shown_total, kinds=kinds, all_kinds=KINDS, wg=wg,
                           page=page, pages=max(1, -(-min(total, COUNT_LIMIT) // PER_PAGE)))
