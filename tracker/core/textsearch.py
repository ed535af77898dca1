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
from sqlalchemy import String, and_, delete, func, literal, literal_column, or_, select, text, union
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


def document_values(kind: str, object_id: int, title: str, body: str = "", wg_id: int | None = None,
                    created_at=None) -> dict:
    """The columns of one search document: what ``index_document`` writes, and what a bulk loader inserts."""
    values = {"kind": kind, "object_id": object_id, "title": title or "", "body": body or "", "wg_id": wg_id,
              "title_key": normalize(title or ""), "grams": " ".join(bigrams(f"{title or ''}\n{body or ''}"))}
    if created_at is not None:
        values["created_at"] = created_at
    return values


def index_document(kind: str, object_id: int, title: str, body: str = "", wg_id: int | None = None,
                   new: bool = False, created_at=None) -> None:
    """Insert or refresh the searchable text of one object (call it in the same transaction as the change).
    ``new``: the object was just created, so it has no document yet (saves looking for one). ``created_at``:
    when the object was made (results are listed newest first); a new document without it is dated now."""
    document = None if new else db.session.scalar(
        select(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id)
    )
    values = document_values(kind, object_id, title, body, wg_id, created_at)
    if document is None:
        document = SearchDocument(**values)
        db.session.add(document)
    else:
        for name, value in values.items():
            if getattr(document, name) != value:  # an unchanged text is not written (nor re-indexed) again
                setattr(document, name, value)
    db.session.flush()


def remove_document(kind: str, object_id: int) -> None:
    db.session.execute(delete(SearchDocument).where(SearchDocument.kind == kind, SearchDocument.object_id == object_id))


def _fts5_query(terms: list[str], any_word: bool = False) -> str:
    phrases = []
    for term in terms:
        grams = bigrams(term)
        phrases.append('"' + " ".join(g.replace('"', '""') for g in grams) + '"')
    return (" OR " if any_word else " AND ").join(phrases)


def _like(term: str) -> str:
    """A LIKE pattern for a word: ``_`` is a word character but LIKE's one-character wildcard."""
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _vector():
    """The indexed tsvector of ``grams`` on PostgreSQL: a stored column (migration 0280), so that matching and
    the recheck of a phrase read the stored vector instead of parsing each document's text again."""
    return literal_column(f"{SearchDocument.__tablename__}.grams_vector")


def _terms(query: str) -> tuple[list[str], list[str], list[str]] | None:
    """(every term, the terms of two characters or more, the one-character terms), or None without a term."""
    terms = query_terms(query)
    if not terms:
        return None
    return terms, [t for t in terms if len(t) >= 2], [t for t in terms if len(t) == 1]


def _fts_rowids(long_terms: list[str], any_word: bool, ranked: bool = False, best: int | None = None):
    """SQLite: the FTS5 index's matches as (id, rank)."""
    fts = (
        select(literal_column("rowid").label("id"),
               (-func.bm25(literal_column("search_fts")) if ranked else literal_column("0")).label("rank"))
        .select_from(text("search_fts"))
        .where(text("search_fts MATCH :fts_query").bindparams(fts_query=_fts5_query(long_terms, any_word)))
    )
    if best:  # FTS5's own "rank" (bm25) ordering with a limit keeps only the best in a small heap
        fts = fts.order_by(literal_column("search_fts.rank")).limit(best)
    return fts


def _query_text(value: str):
    """A tsquery's text, written into the statement rather than sent as a parameter. psycopg prepares a statement
    run five times, and PostgreSQL then plans a prepared one for any value: a common word and a rare one share
    one plan, and counting the matches of 出張 took 2.5 s with it instead of 1.3 s. With the text in the statement
    each search is planned for its own words (the statement is still cached by SQLAlchemy once)."""
    return literal(value, String, literal_execute=True)


def _phrases(long_terms: list[str]) -> list:
    """PostgreSQL: one condition per term, its bigrams as a phrase against the stored vector."""
    vector = _vector()
    return [vector.op("@@")(func.phraseto_tsquery(literal_column("'simple'"), _query_text(" ".join(bigrams(t)))))
            for t in long_terms]


def _short_conditions(short_terms: list[str]) -> list:
    """A one-character word is in no bigram index: it is looked for in the title and the text."""
    doc = SearchDocument
    return [or_(doc.title_key.like(_like(t), escape="\\"), func.lower(doc.body).like(_like(t), escape="\\"))
            for t in short_terms]


def _in_title(terms: list[str], any_word: bool):
    in_title = [SearchDocument.title_key.like(_like(t), escape="\\") for t in terms]
    return or_(*in_title) if any_word else and_(*in_title)


def match_condition(query: str, any_word: bool = False, titles_only: bool = False, walk_newest_first: bool = False):
    """The condition on ``SearchDocument`` that ``query`` matches (every term, or any with ``any_word``; in the
    title with ``titles_only``); ``None`` when the query has no searchable term.

    A condition on the document row itself rather than a subquery joined back to it, so that a search reads
    each matching document once: on PostgreSQL the GIN index on the stored vector answers it, on SQLite the
    FTS5 index gives the row ids that the documents are looked up by. ``walk_newest_first``: the caller reads
    the documents newest first and keeps the first matches (a common word), so on SQLite the matches' ids
    must only be checked, not drive the lookups (PostgreSQL's planner weighs both from its statistics)."""
    split = _terms(query)
    if split is None:
        return None
    terms, long_terms, short_terms = split
    conditions = _short_conditions(short_terms)
    if long_terms:
        if db.session.get_bind().dialect.name == "sqlite":
            # A unary plus keeps SQLite from looking documents up by these ids, so that it walks the
            # (created_at, id) index instead and stops after the rows the page needs.
            document_id = literal_column(f"+{SearchDocument.__tablename__}.id") if walk_newest_first else SearchDocument.id
            conditions.insert(0, document_id.in_(_fts_rowids(long_terms, any_word).with_only_columns(
                literal_column("rowid"))))
        else:
            phrases = _phrases(long_terms)
            conditions.insert(0, or_(*phrases) if any_word else and_(*phrases))
    condition = or_(*conditions) if any_word else and_(*conditions)
    return and_(condition, _in_title(terms, any_word)) if titles_only else condition


def matches(query: str, kinds: list[str] | None = None, ranked: bool = True, best: int | None = None,
            any_word: bool = False, titles_only: bool = False) -> Subquery | None:
    """Subquery (id, rank) of the documents matching every term of ``query`` (any term with ``any_word``; in the
    title with ``titles_only``), rank higher = better; ``None`` when the query has no searchable term.
    ``ranked=False`` leaves the rank at 0 (cheaper); ``best=N`` keeps only the N best-ranked matches, which the
    database finds without ranking-and-sorting every match."""
    split = _terms(query)
    if split is None:
        return None
    terms, long_terms, short_terms = split
    doc = SearchDocument
    if not long_terms or not (ranked or best):
        stmt = select(doc.id.label("id"), literal_column("0").label("rank")).where(
            match_condition(query, any_word, titles_only))
        return (stmt.where(doc.kind.in_(kinds)) if kinds else stmt).subquery()
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        fts = _fts_rowids(long_terms, any_word, ranked, best).subquery()
        stmt = select(doc.id.label("id"), fts.c.rank.label("rank")).join(fts, fts.c.id == doc.id)
        found = None
    else:
        vector = _vector()
        phrases = _phrases(long_terms)
        found = or_(*phrases) if any_word else and_(*phrases)
        rank = func.ts_rank(vector, func.to_tsquery(literal_column("'simple'"), _query_text(" | ".join(
            "(" + " <-> ".join(bigrams(t)) + ")" for t in long_terms
        ))))
        stmt = select(doc.id.label("id"), rank.label("rank"))
        if best:
            stmt = stmt.where(found)
            if kinds:
                stmt = stmt.where(doc.kind.in_(kinds))
            stmt, found = stmt.order_by(rank.desc()).limit(best), None
    shorts = _short_conditions(short_terms)
    if any_word and shorts:
        if found is not None:
            stmt = stmt.where(or_(found, *shorts))
        else:  # SQLite: the FTS matches, or a one-character word anywhere
            either = union(stmt, select(doc.id.label("id"), literal_column("0").label("rank")).where(or_(*shorts))).subquery()
            stmt = select(either.c.id, either.c.rank).join(doc, doc.id == either.c.id)
    else:
        if found is not None:
            stmt = stmt.where(found)
        stmt = stmt.where(*shorts)
    if titles_only:
        stmt = stmt.where(_in_title(terms, any_word))
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
