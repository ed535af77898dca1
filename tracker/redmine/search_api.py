"""GET /search.json and /projects/:id/search.json as Redmine answers them: newest first, Redmine's options
(``all_words``, ``titles_only``, ``open_issues``, ``scope``, ``issues=1``/``projects=1``), ``offset``/``limit`` and the
exact ``total_count``; a ticket's title reads "Tracker #id (Status): subject", as in Redmine."""
from __future__ import annotations

import re

from flask import request
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import bp, page, paging, user, wg_or_404
from tracker.tickets.models import Ticket
from tracker.tickets.search import SearchRequest

TYPES = {"ticket": "issue", "journal": "issue-note", "wg": "project"}
_MARK = re.compile(r"</?mark>")


def _tickets_of(hits) -> dict[int, Ticket]:
    ids = {hit.object_id for hit in hits if hit.kind == "ticket"}
    ids |= {hit.row.journal_ticket_id for hit in hits if hit.kind == "journal"}
    if not ids:
        return {}
    return {t.id: t for t in db.session.scalars(
        select(Ticket).where(Ticket.id.in_(ids)).options(joinedload(Ticket.tracker), joinedload(Ticket.status)))}


def _result(hit, tickets, base: str) -> dict:
    title, kind, object_id = _MARK.sub("", str(hit.title)), TYPES.get(hit.kind, hit.kind), hit.object_id
    if hit.kind in ("ticket", "journal"):
        ticket = tickets.get(hit.object_id if hit.kind == "ticket" else hit.row.journal_ticket_id)
        if ticket is not None:
            object_id = ticket.id
            title = f"{ticket.tracker.name} #{ticket.id} ({ticket.status.name}): {ticket.subject}"
            if hit.kind == "ticket" and ticket.status.is_closed:
                kind = "issue closed"  # Redmine's event type for a closed issue
    elif hit.kind == "wg" and hit.wg is not None:
        title = f"{hit.wg.name}"
    return {"id": object_id, "title": title, "type": kind, "url": f"{base}{hit.url}",
            "description": _MARK.sub("", str(hit.excerpt)), "datetime": serialize.when(hit.created_at)}


def _search(wg=None):
    wanted = SearchRequest.from_args(request.args, wg)
    offset, limit = paging()
    if not wanted.q:
        return page([], "results", 0, offset, limit)
    results = wanted.run(user(), wg, offset, limit)
    tickets = _tickets_of(results.hits)
    base = request.host_url.rstrip("/")
    return page([_result(hit, tickets, base) for hit in results.hits], "results", results.total, offset, limit)


@bp.get("/search.json")
def search_index():
    return _search()


@bp.get("/projects/<key>/search.json")
def project_search(key):
    return _search(wg_or_404(key))
