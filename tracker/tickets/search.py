"""Search over tickets, journals' notes and WGs through the shared index (tracker.core.textsearch),
with the same visibility rule as every list."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select

from tracker.core import policy, textsearch
from tracker.core.models import SearchDocument
from tracker.extensions import db
from tracker.tickets.models import Journal, Ticket
from tracker.wg.models import WorkingGroup

KINDS = ("ticket", "journal", "wg")
COUNT_LIMIT = 1000


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    excerpt: object
    wg: WorkingGroup | None
    rank: float


def visible_documents(user):
    """SQL condition for what ``user`` may find, on SearchDocument outer-joined with the Journal of a note
    and the Ticket of a ticket document (see ``search``): the policies of every list, applied to the joined
    rows (a ticket: TicketPolicy; a note: JournalPolicy too; a WG: the WG policy). Positive, so a NULL
    (an unassigned private ticket) hides rather than shows."""
    if user.is_admin:
        return SearchDocument.kind.in_(KINDS)
    return or_(
        and_(SearchDocument.kind == "wg",
             SearchDocument.object_id.in_(policy.visible_ids(WorkingGroup, user))),
        and_(SearchDocument.kind == "ticket", Ticket.id.is_not(None), policy.visible(Ticket, user)),
        and_(SearchDocument.kind == "journal", Journal.id.is_not(None), policy.visible(Journal, user)),
    )


def search(user, query: str, kinds=KINDS, wg: WorkingGroup | None = None, offset: int = 0, limit: int = 25):
    """(hits, total) for ``query``, best first."""
    matched = textsearch.matches(query, list(kinds))
    if matched is None:
        return [], 0

    def statement(matched, *columns):
        stmt = (
            select(*columns)
            .join(matched, matched.c.id == SearchDocument.id)
            .outerjoin(Journal, and_(SearchDocument.kind == "journal", Journal.id == SearchDocument.object_id))
            .outerjoin(Ticket, and_(SearchDocument.kind == "ticket", Ticket.id == SearchDocument.object_id))
            .where(visible_documents(user))
        )
        if wg is not None:
            stmt = stmt.where(or_(SearchDocument.wg_id == wg.id,
                                  and_(SearchDocument.kind == "wg", SearchDocument.object_id == wg.id)))
        return stmt

    # Counted up to COUNT_LIMIT + 1 (shown as "1000+"): counting every match of a very common word costs
    # more than the page itself.
    counted = statement(textsearch.matches(query, list(kinds), ranked=False), SearchDocument.id).select_from(
        SearchDocument).limit(COUNT_LIMIT + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted))

    def page(matched):
        stmt = statement(matched, SearchDocument, matched.c.rank, Journal.ticket_id)
        return db.session.execute(
            stmt.order_by(matched.c.rank.desc(), SearchDocument.updated_at.desc()).offset(offset).limit(limit)
        ).all()

    # First rank only the best few hundred matches (enough for the page even when some are not visible);
    # rank them all only when that did not fill the page.
    rows = page(textsearch.matches(query, list(kinds), best=max(4 * (offset + limit), 200)))
    if len(rows) < limit and total > offset + len(rows):
        rows = page(matched)
    wg_ids = {d.wg_id for d, _r, _t in rows if d.wg_id} | {d.object_id for d, _r, _t in rows if d.kind == "wg"}
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(wg_ids)))} if wg_ids else {}
    hits = []
    for document, rank, ticket_id in rows:
        if document.kind == "wg":
            group = wgs.get(document.object_id)
            url = f"/projects/{group.identifier}" if group else "/projects"
        elif document.kind == "journal":
            group = wgs.get(document.wg_id)
            url = f"/issues/{ticket_id}#note-{document.object_id}"
        else:
            group = wgs.get(document.wg_id)
            url = f"/issues/{document.object_id}"
        excerpt = textsearch.highlight(document.body or document.title, query)
        hits.append(Hit(document.kind, textsearch.highlight(document.title, query, width=200), url, excerpt, group, rank))
    return hits, total


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
