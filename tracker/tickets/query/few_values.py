"""A sort led by a few-valued key (priority, status, tracker), read one value after another from an index
instead of sorting every matching ticket (``TicketQuery.page_ids``)."""
from __future__ import annotations

from sqlalchemy import Select, and_, func, literal, select, union_all

from tracker.core.query import nulls_last
from tracker.extensions import db
from tracker.tickets.models import IssuePriority, IssueStatus, Ticket, Tracker
from tracker.tickets.query.counts import TicketCount
from tracker.tickets.query.definitions import NOT_NULL_SORTS, SORT_KEYS

# The deepest walk taken without knowing how many tickets match: the API's largest page.
UNCOUNTED_DEPTH = 100


def by_few_values(query, offset: int, limit: int, extra=None) -> Select | None:
    """``sort=priority:desc,updated_on:desc`` as one sub-select per priority (in the priorities' order),
    each ordered by the rest of the sort and limited to the page's end, then put together: every part is a
    backward walk of ix_tickets_priority_updated, however many tickets match. None when the sort is not
    of that shape (grouped, a second key that needs a join, or deeper than FEW_VALUED_DEPTH)."""
    if query.group_by or not query.sort or offset + limit > query.FEW_VALUED_DEPTH:
        return None
    key, desc = query.sort[0]
    column = query.FEW_VALUED.get(key)
    rest = query.sort[1:]
    if column is None or any(SORT_KEYS.get(k) is None for k, _d in rest):
        return None
    model = {"priority": IssuePriority, "status": IssueStatus, "tracker": Tracker}[key]
    rows = db.session.execute(select(model.id, model.position)).all()
    values = [row.id for row in sorted(rows, key=lambda r: (r.position, r.id), reverse=desc)]
    condition = query.condition() if extra is None else and_(query.condition(), extra)
    rest_columns = [SORT_KEYS[k] for k, _d in rest]
    if not any(k == "id" for k, _d in rest):
        rest, rest_columns = [*rest, ("id", True)], [*rest_columns, Ticket.id]
    labels = [f"k{i}" for i in range(len(rest_columns))]
    parts = []
    for rank, value in enumerate(values):
        order = []
        for (k, d), c in zip(rest, rest_columns):
            order += nulls_last(c, d, k in NOT_NULL_SORTS)
        parts.append(select(
            Ticket.id.label("ticket_id"), literal(rank).label("rank"),
            *[c.label(name) for c, name in zip(rest_columns, labels)],
        ).where(condition, column == value).order_by(*order).limit(offset + limit).subquery())
    merged = union_all(*[select(part) for part in parts]).subquery()
    order = [merged.c.rank]
    for (k, d), name in zip(rest, labels):
        order += nulls_last(merged.c[name], d, k in NOT_NULL_SORTS)
    return select(merged.c.ticket_id).order_by(*order).offset(offset).limit(limit)


def worth_walking(query, depth: int, extra) -> bool:
    """Whether walking the index beats sorting the matches. Each walk reads about depth × (all tickets ÷
    matches) index entries before it has its rows; the sorted statement reads the matches once, so a narrow
    query (one WG's board of 500 cards) is cheaper sorted. The counters give the matches for nothing when
    the filters are theirs; otherwise only a list's page (at most UNCOUNTED_DEPTH rows) is walked, whose
    cost stays bounded whatever the density."""
    counted = None if extra is not None else query.counted_total()
    if counted is None:
        return depth <= UNCOUNTED_DEPTH
    everything = db.session.scalar(select(func.coalesce(func.sum(TicketCount.tickets), 0))) or 0
    return counted * counted >= depth * everything
