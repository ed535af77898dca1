"""Search providers: one search box over every kind of thing a feature indexes in the shared full-text index
(``tracker.core.textsearch``), each kind with its provider's visibility rule.

A feature registers a provider per kind of document::

    search.register(search.Provider("ticket", _l("Tickets"), visible=..., joins=..., url=...))

``visible(user)`` is a positive SQL condition on ``SearchDocument`` (and the rows ``joins`` outer-joins, so that
a NULL hides rather than shows); ``url(document, row, wg)`` links a hit, ``row`` holding the ``columns`` the
provider asked for. ``search(user, query, kinds, wg=...)`` answers the box."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import and_, func, or_, select

from tracker.core import textsearch
from tracker.core.models import SearchDocument
from tracker.extensions import db

COUNT_LIMIT = 1000  # matches counted up to this (shown as "1000+")


@dataclass(frozen=True)
class Provider:
    kind: str
    label: object
    visible: Callable  # user -> SQL condition
    url: Callable  # (document, row, the hit's WG or None) -> str
    joins: Callable | None = None  # statement -> statement with the outer joins ``visible`` needs
    columns: tuple = ()  # further columns each hit needs (e.g. a note's ticket id), in ``row``
    in_wg: Callable | None = None  # wg -> condition: the kind's own documents of a WG besides wg_id (the WG itself)
    wg_id: Callable = field(default=lambda document: document.wg_id)  # the WG a hit is shown under


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _PROVIDERS[provider.kind] = provider
    return provider


def kinds() -> tuple[str, ...]:
    return tuple(_PROVIDERS)


def provider(kind: str) -> Provider:
    return _PROVIDERS[kind]


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    excerpt: object
    wg: object
    rank: float


def visible_documents(user, wanted=None):
    """SQL condition for what ``user`` may find: every provider's rule on its own kind."""
    wanted = [_PROVIDERS[k] for k in (wanted or _PROVIDERS)]
    if user.is_admin:
        return SearchDocument.kind.in_([p.kind for p in wanted])
    return or_(*[and_(SearchDocument.kind == p.kind, p.visible(user)) for p in wanted])


def search(user, query: str, kinds=None, wg=None, offset: int = 0, limit: int = 25) -> tuple[list[Hit], int]:
    """(hits, total) for ``query``, best first."""
    from tracker.wg.models import WorkingGroup

    wanted = [_PROVIDERS[k] for k in (kinds or _PROVIDERS) if k in _PROVIDERS]
    names = [p.kind for p in wanted]
    matched = textsearch.matches(query, names)
    if matched is None:
        return [], 0
    extra = [column for p in wanted for column in p.columns]

    def statement(matched, *columns):
        stmt = select(*columns).join(matched, matched.c.id == SearchDocument.id)
        for p in wanted:
            if p.joins is not None:
                stmt = p.joins(stmt)
        stmt = stmt.where(visible_documents(user, names))
        if wg is not None:
            stmt = stmt.where(or_(SearchDocument.wg_id == wg.id, *[p.in_wg(wg) for p in wanted if p.in_wg]))
        return stmt

    # Counted up to COUNT_LIMIT + 1: counting every match of a very common word costs more than the page.
    counted = statement(textsearch.matches(query, names, ranked=False), SearchDocument.id).select_from(
        SearchDocument).limit(COUNT_LIMIT + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(counted))

    def page(matched):
        stmt = statement(matched, SearchDocument, matched.c.rank, *extra)
        return db.session.execute(
            stmt.order_by(matched.c.rank.desc(), SearchDocument.updated_at.desc()).offset(offset).limit(limit)
        ).all()

    # First rank only the best few hundred matches (enough for the page even when some are not visible);
    # rank them all only when that did not fill the page.
    rows = page(textsearch.matches(query, names, best=max(4 * (offset + limit), 200)))
    if len(rows) < limit and total > offset + len(rows):
        rows = page(matched)
    wg_ids = {_PROVIDERS[row[0].kind].wg_id(row[0]) for row in rows} - {None}
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(wg_ids)))} if wg_ids else {}
    hits = []
    for row in rows:
        document, rank = row[0], row[1]
        p = _PROVIDERS[document.kind]
        group = wgs.get(p.wg_id(document))
        excerpt = textsearch.highlight(document.body or document.title, query)
        hits.append(Hit(document.kind, textsearch.highlight(document.title, query, width=200),
                        p.url(document, row, group), excerpt, group, rank))
    return hits, total
