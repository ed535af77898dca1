"""Activity providers: one stream of what happened (a ticket created, a note written ...), newest first,
within what the user may see, merged from every registered provider.

A provider gives, for a user and a WG, SELECTs of ``(kind, id, at)`` rows (``events``), each limited by the
stream's length so the database reads at most that many rows of each through its index, and turns the rows
of its kinds into items with an ``at`` (``load``)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from sqlalchemy import select, union_all

from tracker.extensions import db


@dataclass(frozen=True)
class Provider:
    name: str
    # (user, wg, before, author_id, limit) -> list of SELECTs of (kind, id, at), each already limited
    events: Callable[..., list]
    # (rows of this provider's kinds) -> {(kind, id): item}
    load: Callable[[list], dict]
    kinds: tuple[str, ...]


_PROVIDERS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _PROVIDERS[provider.name] = provider
    return provider


def stream(user, wg=None, limit: int = 50, before: datetime | None = None, author_id: int | None = None,
           providers: list[str] | None = None) -> list:
    """The newest ``limit`` items of every provider (or of ``providers``), newest first."""
    chosen = [_PROVIDERS[name] for name in (providers or _PROVIDERS)]
    branches = [branch.subquery() for p in chosen for branch in p.events(user, wg, before, author_id, limit)]
    if not branches:
        return []
    both = union_all(*[select(branch) for branch in branches]).subquery()
    rows = db.session.execute(select(both).order_by(both.c.at.desc()).limit(limit)).all()
    items = {}
    for p in chosen:
        mine = [row for row in rows if row.kind in p.kinds]
        if mine:
            items.update(p.load(mine))
    return [items[(row.kind, row.id)] for row in rows if (row.kind, row.id) in items]
