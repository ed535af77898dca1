"""The search providers of tickets, journals' notes and WGs (``tracker.core.search``), with the same
visibility rule as every list: a ticket by TicketPolicy, a note by JournalPolicy too, a WG by the WG policy.
(The WG kind is registered here, where the search box began, until the WG feature registers its own.)"""
from __future__ import annotations

from sqlalchemy import and_, select

from tracker.core import policy, search as core_search
from tracker.core.models import SearchDocument
from tracker.core.search import COUNT_LIMIT  # noqa: F401 (the search page shows "1000+")
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db
from tracker.tickets.models import Journal, Ticket
from tracker.wg.models import WorkingGroup

KINDS = ("ticket", "journal", "wg")


def _ticket_url(document, row, wg) -> str:
    return f"/issues/{document.object_id}"


def _journal_url(document, row, wg) -> str:
    return f"/issues/{row.journal_ticket_id}#note-{document.object_id}"


def _wg_url(document, row, wg) -> str:
    return f"/projects/{wg.identifier}" if wg is not None else "/projects"


core_search.register(core_search.Provider(
    "ticket", _l("Tickets"),
    visible=lambda user: and_(Ticket.id.is_not(None), policy.visible(Ticket, user)),
    joins=lambda stmt: stmt.outerjoin(Ticket, and_(SearchDocument.kind == "ticket", Ticket.id == SearchDocument.object_id)),
    url=_ticket_url,
))
core_search.register(core_search.Provider(
    "journal", _l("Notes"),
    visible=lambda user: and_(Journal.id.is_not(None), policy.visible(Journal, user)),
    joins=lambda stmt: stmt.outerjoin(Journal, and_(SearchDocument.kind == "journal", Journal.id == SearchDocument.object_id)),
    columns=(Journal.ticket_id.label("journal_ticket_id"),),
    url=_journal_url,
))
core_search.register(core_search.Provider(
    "wg", _l("WGs"),
    visible=lambda user: SearchDocument.object_id.in_(policy.visible_ids(WorkingGroup, user)),
    in_wg=lambda wg: and_(SearchDocument.kind == "wg", SearchDocument.object_id == wg.id),
    url=_wg_url,
    wg_id=lambda document: document.object_id if document.kind == "wg" else document.wg_id,
))


def visible_documents(user):
    """SQL condition for what ``user`` may find (see ``tracker.core.search``)."""
    return core_search.visible_documents(user, KINDS)


def search(user, query: str, kinds=KINDS, wg: WorkingGroup | None = None, offset: int = 0, limit: int = 25):
    """(hits, total) for ``query``, best first."""
    return core_search.search(user, query, kinds, wg=wg, offset=offset, limit=limit)


def reindex_all() -> None:
    """Rebuild the index of every WG, ticket and journal (after an import)."""
    from tracker.tickets.services import index_journal, reindex
    from tracker.wg.services import index_wg

    for wg in db.session.scalars(select(WorkingGroup)):
        index_wg(wg)
    for ticket in db.session.scalars(select(Ticket)):
        reindex(ticket)
    for journal in db.session.scalars(select(Journal).where(Journal.notes != "")):
        index_journal(journal)
