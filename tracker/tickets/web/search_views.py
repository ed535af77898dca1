"""/search?q= and /projects/<id>/search: one box over tickets, notes and WGs, with Redmine's options (every word or
any, titles only, open tickets only, scope) and its order: newest first, with the exact number of matches."""
from __future__ import annotations

import re

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from tracker.core.search import Results
from tracker.core.urls import query_with
from tracker.extensions import db
from tracker.tickets.blueprint import bp
from tracker.tickets.models import Ticket
from tracker.tickets.search import KINDS, SearchRequest
from tracker.wg.views import load_wg

PER_PAGE = 25
_TICKET_NUMBER = re.compile(r"#?(\d{1,9})")


@bp.get("/search")
@bp.get("/projects/<identifier>/search")
@login_required
def search(identifier: str | None = None):
    wg = load_wg(identifier) if identifier else None
    wanted = SearchRequest.from_args(request.args, wg)
    # "#123" (or "123") jumps to a ticket the user may see, as Redmine's search box does.
    number = _TICKET_NUMBER.fullmatch(wanted.q)
    if number:
        ticket = db.session.get(Ticket, int(number.group(1)))
        if ticket is not None and ticket.visible_to(current_user):
            return redirect(url_for(".show", ticket_id=ticket.id))
    page = max(1, request.args.get("page", 1, type=int) or 1)
    results = wanted.run(current_user, wg, (page - 1) * PER_PAGE, PER_PAGE) if wanted.q else Results([], 0, {})
    return render_template("tickets/search.html", wanted=wanted, q=wanted.q, results=results, all_kinds=KINDS, wg=wg,
                           page=page, pages=max(1, -(-results.total // PER_PAGE)), query_with=query_with)
