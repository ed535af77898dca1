"""Posts like the one being written, from the same full-text index the idea search uses: shown before a new
post is saved, so that people vote for an existing idea instead of posting it again."""
from __future__ import annotations

import re

from sqlalchemy import func, select

from tracker.core import policy, textsearch
from tracker.core.models import SearchDocument
from tracker.extensions import db
from tracker.ideas.models import Idea

# Words of a title: split at spaces and Japanese punctuation; particles of one character do not count.
_SEPARATORS = re.compile(r"[\s、。・，．,.!?！？「」『』（）()【】/／:：;；~〜ー-]+")
_PARTICLES = re.compile(r"(?:を|に|の|が|は|で|と|へ|や|も|から|まで|より)")


def title_words(title: str) -> list[str]:
    words = []
    for chunk in _SEPARATORS.split(title or ""):
        words.extend(w for w in _PARTICLES.split(chunk) if len(w) >= 2)
    return list(dict.fromkeys(words))[:8]


def same_title(a: str, b: str) -> bool:
    return textsearch.normalize(a).replace(" ", "") == textsearch.normalize(b).replace(" ", "")


def similar_ideas(user, title: str, body: str = "", limit: int = 5, exclude_id: int | None = None) -> list[Idea]:
    """Visible, unmerged posts sharing the most words with ``title`` (a post with the same title first)."""
    hits: dict[int, float] = {}
    for weight, query in [(3.0, title)] + [(1.0, word) for word in title_words(title)]:
        found = textsearch.matches(query, ["idea"])
        if found is None:
            continue
        rows = db.session.execute(select(SearchDocument.object_id, found.c.rank)
                                  .join(found, found.c.id == SearchDocument.id).limit(200))
        for idea_id, _rank in rows:
            hits[idea_id] = hits.get(idea_id, 0.0) + weight
    if exclude_id:
        hits.pop(exclude_id, None)
    if not hits:
        return []
    ideas = db.session.scalars(select(Idea).where(Idea.id.in_(list(hits)), policy.visible(Idea, user),
                                                  Idea.merged_into_id.is_(None))).all()
    ranked = sorted(ideas, key=lambda i: (not same_title(i.title, title), -hits[i.id], -i.vote_count, -i.id))
    return ranked[:limit]


def duplicates(ideas: list[Idea], title: str) -> list[Idea]:
    return [i for i in ideas if same_title(i.title, title)]


def visible_same_title(user, title: str) -> list[Idea]:
    """Every visible unmerged post with exactly this title (the index may miss a title of one character)."""
    key = textsearch.normalize(title).replace(" ", "")
    if not key:
        return []
    candidates = db.session.scalars(select(Idea).where(policy.visible(Idea, user), Idea.merged_into_id.is_(None),
                                                       func.lower(Idea.title) == (title or "").strip().lower())).all()
    return [i for i in candidates if same_title(i.title, title)]
