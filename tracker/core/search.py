"""Search providers: one search box over every kind of thing a feature indexes in the shared full-text index
(``tracker.core.textsearch``), each kind with its provider's visibility rule.

A feature registers a provider per kind of document::

    search.register(search.Provider("ticket", _l("Tickets"), visible=..., joins=..., url=...))

``visible(user)`` is a positive SQL condition on ``SearchDocument`` and the rows ``joins`` (inner) joins, so that
a document whose object is gone is never shown; ``url(document, row, wg)`` links a hit, ``row`` holding the ``columns`` the
provider asked for. ``search(user, query, kinds, wg=..., options=Options(...))`` answers the box and Redmine's
search.json: newest first, with an exact count."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy import String, cast, func, literal, null, or_, select, union_all

from tracker.core import textsearch
from tracker.core.models import SearchDocument
from tracker.extensions import db

@dataclass(frozen=True)
class Provider:
    kind: str
    label: object
    visible: Callable  # user -> SQL condition
    url: Callable  # (document, row, the hit's WG or None) -> str
    joins: Callable | None = None  # statement -> statement with the (inner) joins ``visible`` needs
    columns: tuple = ()  # further columns each hit needs (e.g. a note's ticket id), in ``row``
    in_wg: Callable | None = None  # wg -> condition: the kind's own documents of a WG besides wg_id (the WG itself)
    in_wg_ids: Callable | None = None  # [wg id] -> the same for a set of WGs
    wg_id: Callable = field(default=lambda document: document.wg_id)  # the WG a hit is shown under
    # condition keeping only what is open (a ticket not closed, a note on one) for "open issues only";
    # kinds without it are not affected, as in Redmine
    open_only: Callable | None = None


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _PROVIDERS[provider.kind] = provider
    return provider


def kinds() -> tuple[str, ...]:
    return tuple(_PROVIDERS)


def provider(kind: str) -> Provider:
    return _PROVIDERS[kind]


# A kind whose visible matches number at least this many times the rows a page needs is read by walking its
# documents newest first (about one in WALK_PER_ROW documents matches, so the walk reads about that many
# index entries per row it keeps).
WALK_PER_ROW = 80


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    excerpt: object
    wg: object
    created_at: object
    object_id: int
    row: object = None  # the provider's extra ``columns``


@dataclass(frozen=True)
class Options:
    """Redmine's search options: every word or any word, titles only, open tickets only."""
    all_words: bool = True
    titles_only: bool = False
    open_issues: bool = False


@dataclass
class Results:
    hits: list[Hit]
    total: int  # exact, as Redmine's total_count
    counts: dict[str, int]  # per kind, for the "Tickets (12)" links


def search(user, query: str, kinds=None, wg=None, offset: int = 0, limit: int = 25, options: Options = Options(),
           wg_ids=None) -> Results:
    """What ``user`` may find for ``query``, newest first as Redmine lists it, with the exact number of matches.
    ``wg``: one WG (and its own documents); ``wg_ids``: a set of WGs (Redmine's "my projects" scope).

    Nothing is ranked: the newest matches come from the index on (created_at, id), so a ticket made a second
    ago is the first hit however common the words are, and the count reads only ids."""
    from tracker.wg.models import WorkingGroup

    wanted = [_PROVIDERS[k] for k in (kinds or _PROVIDERS) if k in _PROVIDERS]
    def matching(walk: bool = False):
        return textsearch.match_condition(query, any_word=not options.all_words, titles_only=options.titles_only,
                                          walk_newest_first=walk)

    if matching() is None or not wanted:
        return Results([], 0, {})
    extra = [column for p in wanted for column in p.columns]

    def branch(p, *columns, walk: bool = False):
        """One kind's matches that ``user`` may see. A statement per kind, joined to its own table only, is what
        the planner serves from the indexes (one statement outer-joining every kind's table reads them whole)."""
        stmt = select(*columns).select_from(SearchDocument).where(SearchDocument.kind == p.kind, matching(walk))
        if p.joins is not None:
            stmt = p.joins(stmt)
        if not user.is_admin:
            stmt = stmt.where(p.visible(user))
        if options.open_issues and p.open_only is not None:
            stmt = stmt.where(p.open_only())
        if wg is not None:
            stmt = stmt.where(or_(SearchDocument.wg_id == wg.id, *([p.in_wg(wg)] if p.in_wg else [])))
        if wg_ids is not None:
            ids = list(wg_ids)
            stmt = stmt.where(or_(SearchDocument.wg_id.in_(ids), *([p.in_wg_ids(ids)] if p.in_wg_ids else [])))
        return stmt

    counts = {kind: count for kind, count in db.session.execute(union_all(*[
        branch(p, literal(p.kind, String).label("kind"), func.count().label("matches")) for p in wanted]))
        if count}
    total = sum(counts.values())
    rows = []
    if total > offset:
        own = {p.kind: {column.key for column in p.columns} for p in wanted}
        newest = (SearchDocument.created_at.desc(), SearchDocument.id.desc())
        # Each kind's first offset+limit, newest first. Where a kind's matches are many (a common word), walking
        # its documents newest first and checking each against the matches stops after a page's worth, at any
        # size of the index; where they are few, sorting them is cheaper than walking past all the others.
        found = union_all(*[
            select(branch(p, SearchDocument.id.label("document_id"), SearchDocument.created_at.label("created_at"),
                          *[column if column.key in own[p.kind] else cast(null(), column.type).label(column.key) for column in extra],
                          walk=counts[p.kind] >= WALK_PER_ROW * (offset + limit))
                   .order_by(*newest).limit(offset + limit).subquery())
            for p in wanted if p.kind in counts
        ]).subquery()
        page = db.session.execute(select(found).order_by(found.c.created_at.desc(), found.c.document_id.desc())
                                  .offset(offset).limit(limit)).all()
        documents = {d.id: d for d in db.session.scalars(
            select(SearchDocument).where(SearchDocument.id.in_([r.document_id for r in page])))}
        rows = [(documents[r.document_id], r) for r in page]
    wg_of = {document.id: _PROVIDERS[document.kind].wg_id(document) for document, _row in rows}
    wanted_wgs = set(wg_of.values()) - {None}
    wgs = {w.id: w for w in db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_(wanted_wgs)))} if wanted_wgs else {}
    hits = []
    for document, row in rows:
        group = wgs.get(wg_of[document.id])
        hits.append(Hit(document.kind, textsearch.highlight(document.title, query, width=200),
                        _PROVIDERS[document.kind].url(document, row, group),
                        textsearch.highlight(document.body or document.title, query), group,
                        document.created_at, document.object_id, row))
    return Results(hits, total, counts)
