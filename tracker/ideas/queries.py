"""Reading the idea box: the filtered and ranked list (shared by the page, the API and the export),
trending scores and the overdue answers per section."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, func, or_, select

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
    """Posts whose own text or whose comments match ``q``; ``None`` when the query has no term."""
    found = textsearch.matches(q, ["idea", "idea_comment"])
    if found is None:
        return None
    docs = select(SearchDocument.kind, SearchDocument.object_id).join(found, found.c.id == SearchDocument.id).subquery()
    own = select(docs.c.object_id).where(docs.c.kind == "idea")
    via_comment = select(IdeaComment.idea_id).join(docs, and_(docs.c.kind == "idea_comment", docs.c.object_id == IdeaComment.id))
    return or_(Idea.id.in_(own), Idea.id.in_(via_comment))


def filtered(user, filters: Filters):
    stmt = select(Idea).where(Idea.visible(user))
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


def trending_scores(ideas: list[Idea], now=None) -> dict[int, float]:
    """Hacker-News-like: votes cast in the last 30 days / (hours since posting + 2) ^ 1.5."""
    now = now or utcnow()
    since = now - TRENDING_WINDOW
    ids = [i.id for i in ideas]
    recent: dict[int, int] = {}
    if ids:
        author_of = {i.id: i.author_id for i in ideas}
        rows = db.session.execute(
            select(IdeaVote.idea_id, IdeaVote.user_id).where(IdeaVote.idea_id.in_(ids), IdeaVote.created_at >= since)
        )
        for idea_id, user_id in rows:
            if user_id != author_of[idea_id]:
                recent[idea_id] = recent.get(idea_id, 0) + 1
    scores = {}
    for idea in ideas:
        hours = max((now - idea.created_at).total_seconds() / 3600, 0)
        scores[idea.id] = recent.get(idea.id, 0) / (hours + 2) ** TRENDING_GRAVITY
    return scores


def listing(user, filters: Filters, offset: int = 0, limit: int | None = 25) -> tuple[list[Idea], int]:
    stmt = filtered(user, filters)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    if filters.sort == "trending":
        ideas = list(db.session.scalars(stmt))
        scores = trending_scores(ideas)
        ideas.sort(key=lambda i: (-scores[i.id], -i.created_at.timestamp(), -i.id))
        return ideas[offset: None if limit is None else offset + limit], total
    order = {
        "popular": (Idea.vote_count.desc(), Idea.created_at.desc(), Idea.id.desc()),
        "newest": (Idea.created_at.desc(), Idea.id.desc()),
        "discussed": (Idea.comment_count.desc(), Idea.created_at.desc(), Idea.id.desc()),
        "unanswered": (Idea.vote_count.desc(), Idea.created_at.asc(), Idea.id.asc()),
    }[filters.sort]
    stmt = stmt.order_by(*order).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt)), total


def overdue_by_section(user, today: date) -> list[tuple[object, list[Idea]]]:
    """Posts under review whose answer due date has passed, grouped by the owning section."""
    rows = db.session.scalars(
        select(Idea).where(Idea.visible(user), Idea.state == "reviewing", Idea.answer_due < today,
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
