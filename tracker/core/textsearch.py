"""Japanese-aware full-text search on SQLite and PostgreSQL with the same results.

Japanese has no spaces between words, so text is indexed as overlapping character bigrams ("出張申請" ->
"出張 張申 申請"), the approach of CJK analysers in Lucene and Groonga. A query term becomes a phrase of its
bigrams, so "出張" finds "出張申請" and "出張申請" does not find "申請出張". Words of one character fall back
to a substring match. The index is the database's own: an FTS5 table on SQLite (created in the migration,
kept in step by triggers) and a GIN index over ``to_tsvector('simple', grams)`` on PostgreSQL.

Features call ``index_document`` / ``remove_document`` from their services, and ``matches(query)`` to get
a subquery of (id, rank) over ``search_documents`` to join with their own visibility filter.
"""
from __future__ import annotations

import html
import re
import unicodedata

from markupsafe import Markup
from sqlalchemy import and_, delete, func, literal_column, or_, select, text
from sqlalchemy.sql import Subquery

from tracker.core.models import SearchDocument
from tracker.extensions import db

_WORD = re.compile(r"\w+", re.UNICODE)


def normalize(value: str) -> str:
    """Full-width to half-width, lower case: "ＲＰＡ" and "rpa" are the same word."""
    return unicodedata.normalize("NFKC", value or "").lower()


def bigrams(value: str) -> list[str]:
    grams = []
    for word in _WORD.findall(normalize(value)):
        if len(word) == 1:
            grams.append(word)
        else:
            grams.extend(word[i : i + 2] for i in range(len(word) - 1))
    return grams


def query_terms(query: str) -> list[str]:
    return [term for term in _WORD.findall(normalize(query)) if term]


def index_document(kind: str, object_id: int, title: str, body: str = "", wg_id: int | None = None,
                   new: bool = False) -> None:
    """Insert or refresh the searchable text of one object (call it in the same transaction as the change).
    ``new``: the object was just created, so it has no document yet (saves looking for one)."""
    document = None if new else db.session.scalar(
        select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id)
    )
    if document is None:
        document = SearchDocument(kind=kind, object_id=object_id)
        db.session.add(document)
    document.title = title or ""
    document.body = body or ""
    document.wg_id = wg_id
    document.grams = " ".join(bigrams(f"{title or ''}\n{body or ''}"))
    db.session.flush()


def remove_document(kind: str, object_id: int) -> None:
    db.session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id))


def _fts5_query(terms: list[str]) -> str:
    phrases = []
    for term in terms:
        grams = bigrams(term)
        phrases.append('"' + " ".join(g.replace('"', '""') for g in grams) + '"')
    return " AND ".join(phrases)


def matches(query: str, kinds: list[str] | None = None, ranked: bool = True, best: int | None = None) -> Subquery | None:
    """Subquery (id, rank) of the documents matching every term of ``query``, rank higher = better;
    ``None`` when the query has no searchable term. ``ranked=False`` leaves the rank at 0 (cheaper, for
    counting the matches); ``best=N`` keeps only the N best-ranked matches, which the database finds without
    ranking-and-sorting every match (for a first page of results when a word is very common)."""
    terms = query_terms(query)
    if not terms:
        return None
    long_terms = [t for t in terms if len(t) >= 2]
    short_terms = [t for t in terms if len(t) == 1]
    dialect = db.session.get_bind().dialect.name
    doc = SearchDocument
    if dialect == "sqlite" and long_terms:
        fts = (
            select(literal_column("rowid").label("id"),
                   (-func.bm25(literal_column("search_fts")) if ranked else literal_column("0")).label("rank"))
            .select_from(text("search_fts"))
            .where(text("search_fts MATCH :fts_query").bindparams(fts_query=_fts5_query(long_terms)))
        )
        if best:  # FTS5's own "rank" (bm25) ordering with a limit keeps only the best in a small heap
            fts = fts.order_by(literal_column("search_fts.rank")).limit(best)
        fts = fts.subquery()
        stmt = select(doc.id.label("id"), fts.c.rank.label("rank")).join(fts, fts.c.id == doc.id)
    elif long_terms:
        vector = func.to_tsvector(literal_column("'simple'"), doc.grams)
        tsquery = and_(
            *[vector.op("@@")(func.phraseto_tsquery(literal_column("'simple'"), " ".join(bigrams(t)))) for t in long_terms]
        )
        rank = func.ts_rank(vector, func.to_tsquery(literal_column("'simple'"), " | ".join(
            "(" + " <-> ".join(bigrams(t)) + ")" for t in long_terms
        )))
        stmt = select(doc.id.label("id"), (rank if ranked else literal_column("0")).label("rank")).where(tsquery)
        if best:
            if kinds:
                stmt = stmt.where(doc.kind.in_(kinds))
            stmt = stmt.order_by(rank.desc()).limit(best)
    else:
        stmt = select(doc.id.label("id"), literal_column("0").label("rank"))
    for term in short_terms:
        like = f"%{term}%"
        stmt = stmt.where(or_(func.lower(doc.title).like(like), func.lower(doc.body).like(like)))
    if kinds:
        stmt = stmt.where(doc.kind.in_(kinds))
    return stmt.subquery()


def highlight(value: str, query: str, width: int = 160) -> Markup:
    """An excerpt of ``value`` around the first match, with every match in <mark>."""
    value = value or ""
    terms = sorted({t for t in query_terms(query)}, key=len, reverse=True)
    normalized = normalize(value)
    if len(normalized) != len(value):  # NFKC changed the length: match on the original text instead
        normalized = value.lower()
    first = min((normalized.find(t) for t in terms if normalized.find(t) >= 0), default=0)
    start = max(0, first - width // 3)
    end = min(len(value), start + width)
    excerpt_norm, excerpt = normalized[start:end], value[start:end]
    pieces, position = [], 0
    pattern = re.compile("|".join(re.escape(t) for t in terms)) if terms else None
    if pattern:
        for match in pattern.finditer(excerpt_norm):
            pieces.append(html.escape(excerpt[position : match.start()]))
            pieces.append(f"<mark>{html.escape(excerpt[match.start() : match.end()])}</mark>")
            position = match.end()
    pieces.append(html.escape(excerpt[position:]))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(value) else ""
    return Markup(prefix + "".join(pieces) + suffix)
