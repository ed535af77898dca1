"""Is the database at the migrations' head? Used by ``tracker db check``, ``/healthz`` and ``tracker demo``."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app


@lru_cache(maxsize=4)
def _heads(directory: str) -> frozenset[str]:
    # The migration scripts do not change while a process runs: parse them once.
    return frozenset(ScriptDirectory(directory).get_heads())


@dataclass(frozen=True)
class SchemaState:
    current: frozenset[str]
    heads: frozenset[str]

    @property
    def at_head(self) -> bool:
        return self.current == self.heads

    @property
    def empty(self) -> bool:
        return not self.current


def schema_state(connection=None) -> SchemaState:
    """The revisions the database is at and the head revisions of the shipped migrations."""
    from tracker.extensions import db

    directory = current_app.extensions["migrate"].directory
    heads = _heads(directory)
    if connection is None:
        with db.engine.connect() as own:
            current = MigrationContext.configure(own).get_current_heads()
    else:
        current = MigrationContext.configure(connection).get_current_heads()
    return SchemaState(current=frozenset(current), heads=heads)


def pending_revisions(state: SchemaState) -> list[str]:
    """Revision ids still to apply, oldest first."""
    script = ScriptDirectory(current_app.extensions["migrate"].directory)
    lower = tuple(state.current) or None
    pending = []
    for head in state.heads:
        for revision in script.iterate_revisions(head, lower or "base"):
            if revision.revision not in state.current:
                pending.append(revision.revision)
    return list(reversed(list(dict.fromkeys(pending))))
