"""Reading the idea box: the filtered and ranked list (shared by the page, the API and the export),
trending scores and the overdue answers per section."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select, true
from sqlalchemy.orm import selectinload

from tracker.core import policy
from tracker.accounts.models import Section
from tracker.core import textsearch
from tracker.core.db import utcnow
from tracker.core.models import SearchDocument
from tracker.extensions import db
from tracker.ideas.models import CATEGORIES, KINDS, STATES, Idea, IdeaComment, IdeaVote

SORTS = ("popular", "trending", "newest", "discussed", "unanswered")
TRENDING_WINDOW = timedelta(days=30)
TRENDING_GRAVITY = 1.5


@dataclass
class Filters:
    kind: str = ""
    state: str = ""
    category: str = ""
    section_id: int | None = None
    q: str = ""
    sort: str = "popular"
    include_merged: bool = False

    @classmethod
    def from_args(cls, args) -> "Filters":
        section = args.get("section_id", "")
        sort = args.get("sort", "popular")
        return cls(
            kind=args.get("kind", "") if args.get("kind") in KINDS else "",
            state=args.get("state", "") if args.get("state") in STATES else "",
            category=args.get("category", "") if args.get("category") in CATEGORIES else "",
            section_id=int(section) if section.isdigit() else None,
            q=(args.get("q") or "").strip()[:200],
            sort=sort if sort in SORTS else "popular",
        )

    def as_args(self, **override) -> dict:
        values = {"kind": self.kind, "state": self.state, "category": self.category,
                  "section_id": self.section_id or "", "q": self.q, "sort": self.sort, **override}
        return {k: v for k, v in values.items() if v not in ("", None)}


def _search_condition(q: str):
    """Posts whose own text or whose comments match ``q``; ``None`` when the query has no term. The matching
    ids are read first: SQLite plans the full-text subquery inside IN (...) badly (10x slower)."""
    found = textsearch.matches(q, ["idea", "idea_comment"])
    if found is None:
        return None
    rows = db.session.execute(select(SearchDocument.kind, SearchDocument.object_id).join(found, found.c.id == SearchDocument.id))
    idea_ids, comment_ids = set(), []
    for kind, object_id in rows:
        (idea_ids.add(object_id) if kind == "idea" else comment_ids.append(object_id))
    if comment_ids:
        idea_ids.update(db.session.scalars(select(IdeaComment.idea_id).where(IdeaComment.id.in_(comment_ids))))
    return Idea.id.in_(sorted(idea_ids))


def filtered(user, filters: Filters):
    stmt = select(Idea).where(policy.visible(Idea, user))
    if not filters.include_merged:
        stmt = stmt.where(Idea.merged_into_id.is_(None))
    if filters.kind:
        stmt = stmt.where(Idea.kind == filters.kind)
    if filters.state:
        stmt = stmt.where(Idea.state == filters.state)
    if filters.category:
        stmt = stmt.where(Idea.category == filters.category)
    if filters.section_id:
        stmt = stmt.where(Idea.section_id == filters.section_id)
    if filters.q:
        condition = _search_condition(filters.q)
        if condition is not None:
            stmt = stmt.where(condition)
    if filters.sort == "unanswered":
        stmt = stmt.where(Idea.state.in_(("new", "reviewing")))
    return stmt


def _recent_votes(id_filter, since):
    """(idea id, created_at, votes counted since ``since``) for the posts with any such vote."""
    return db.session.execute(
        select(Idea.id, Idea.created_at, func.count(IdeaVote.id))
        .join(IdeaVote, IdeaVote.idea_id == Idea.id)
        .where(id_filter, IdeaVote.created_at >= since, IdeaVote.user_id != Idea.author_id)
        .group_by(Idea.id, Idea.created_at)
    ).all()


def trending_score(recent_votes: int, created_at, now) -> float:
    """Hacker-News-like: votes cast in the last 30 days / (hours since posting + 2) ^ 1.5."""
    hours = max((now - created_at).total_seconds() / 3600, 0)
    return recent_votes / (hours + 2) ** TRENDING_GRAVITY


def trending_scores(ideas: list[Idea], now=None) -> dict[int, float]:
    now = now or utcnow()
    scores = {idea.id: 0.0 for idea in ideas}
    for idea_id, created_at, votes in _recent_votes(Idea.id.in_(list(scores)), now - TRENDING_WINDOW):
        scores[idea_id] = trending_score(votes, created_at, now)
    return scores


def _trending_page(stmt, offset: int, limit: int | None) -> list[Idea]:
    """Posts with votes in the window ranked by score, then the others newest first. Only the ranked ids
    are sorted in Python; the rest is paged by the database."""
    now = utcnow()
    matching = Idea.id.in_(stmt.with_only_columns(Idea.id).order_by(None))
    scored = [(trending_score(v, created, now), created, i) for i, created, v in _recent_votes(matching, now - TRENDING_WINDOW)]
    ranked = [i for _score, _created, i in sorted(scored, key=lambda r: (-r[0], -r[1].timestamp(), -r[2]))]
    end = None if limit is None else offset + limit
    page_ids = ranked[offset:end]
    if limit is None or len(page_ids) < limit:
        rest = stmt.with_only_columns(Idea.id).where(Idea.id.not_in(ranked) if ranked else true()) \
            .order_by(Idea.created_at.desc(), Idea.id.desc()).offset(max(0, offset - len(ranked)))
        if limit is not None:
            rest = rest.limit(limit - len(page_ids))
        page_ids += list(db.session.scalars(rest))
    loaded = {i.id: i for i in db.session.scalars(_with_related(select(Idea).where(Idea.id.in_(page_ids))))}
    return [loaded[i] for i in page_ids]


def _with_related(stmt):
    return stmt.options(selectinload(Idea.section).selectinload(Section.department), selectinload(Idea.author),
                        selectinload(Idea.wg))


def listing(user, filters: Filters, offset: int = 0, limit: int | None = 25) -> tuple[list[Idea], int]:
    stmt = filtered(user, filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    if filters.sort == "trending":
        return _trending_page(stmt, offset, limit), total
    order = {
        "popular": (Idea.vote_count.desc(), Idea.created_at.desc(), Idea.id.desc()),
        "newest": (Idea.created_at.desc(), Idea.id.desc()),
        "discussed": (Idea.comment_count.desc(), Idea.created_at.desc(), Idea.id.desc()),
        "unanswered": (Idea.vote_count.desc(), Idea.created_at.asc(), Idea.id.asc()),
    }[filters.sort]
    stmt = _with_related(stmt).order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt)), total


def overdue_by_section(user, today: date) -> list[tuple[object, list[Idea]]]:
    """Posts under review whose answer due date has passed, grouped by the owning section."""
    rows = db.session.scalars(
        select(Idea).where(policy.visible(Idea, user), Idea.state == "reviewing", Idea.answer_due < today,
                           Idea.merged_into_id.is_(None))
        .order_by(Idea.section_id, Idea.answer_due, Idea.id)
    )
    groups: dict[int | None, tuple[object, list[Idea]]] = {}
    for idea in rows:
        groups.setdefault(idea.section_id, (idea.section, []))[1].append(idea)
    return sorted(groups.values(), key=lambda g: (g[0].department.position, g[0].position, g[0].name) if g[0] else (999, 0, ""))


def comments_for(idea: Idea) -> list[tuple[IdeaComment, list[IdeaComment]]]:
    """Top-level comments with their replies, oldest first."""
    comments = list(db.session.scalars(select(IdeaComment).where(IdeaComment.idea_id == idea.id).order_by(IdeaComment.id)))
    replies: dict[int, list[IdeaComment]] = {}
    for c in comments:
        if c.parent_id:
            replies.setdefault(c.parent_id, []).append(c)
    return [(c, replies.get(c.id, [])) for c in comments if not c.parent_id]


def merged_posts(idea: Idea) -> list[Idea]:
    return list(db.session.scalars(select(Idea).where(Idea.merged_into_id == idea.id).order_by(Idea.id)))
