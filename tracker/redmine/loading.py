"""Loading a page of tickets for the JSON answers in a fixed, small number of queries: the tickets with the objects
they name (trackers, statuses, WGs, people ...) in one statement, and the custom fields that apply, read once. A ticket
just written has its references in the session already: ``attach_references`` takes them from there."""
from __future__ import annotations

from functools import cache

from sqlalchemy import inspect, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from tracker.extensions import db
from tracker.tickets.models import CustomField, Ticket


@cache
def _references() -> dict[str, tuple[str, type]]:
    """Ticket.REFERENCES with, for each, its foreign key attribute and the model it names (read from the mapping, once
    the mappers are configured)."""
    relationships = inspect(Ticket).relationships
    return {name: (relationships[name].local_remote_pairs[0][0].key, relationships[name].mapper.class_)
            for name in Ticket.REFERENCES}


def load_tickets(ids: list[int]) -> list[Ticket]:
    """The tickets with these ids, in this order, with their references loaded: in one statement."""
    if not ids:
        return []
    found = {t.id: t for t in db.session.scalars(select(Ticket).where(Ticket.id.in_(ids)).options(*Ticket.with_references()))}
    return [found[i] for i in ids if i in found]


def attach_references(tickets: list[Ticket]) -> None:
    """Load the referenced objects of these tickets, each kind in one query (none for those in the session)."""
    wanted: dict[type, set[int]] = {}
    for name, (column, model) in _references().items():
        wanted.setdefault(model, set()).update(v for t in tickets if (v := getattr(t, column)) is not None)
    objects = {model: _by_id(model, keys) for model, keys in wanted.items()}
    for ticket in tickets:
        for name, (column, model) in _references().items():
            key = getattr(ticket, column)
            set_committed_value(ticket, name, objects[model].get(key) if key is not None else None)


def _by_id(model, keys: set[int]) -> dict:
    """Objects already in the session are taken from it; the others are read in one query."""
    found, missing = {}, set()
    for key in keys:
        obj = db.session.identity_map.get(identity_key(model, key))
        if obj is not None:
            found[key] = obj
        else:
            missing.add(key)
    if missing:
        found.update({o.id: o for o in db.session.scalars(select(model).where(model.id.in_(missing)))})
    return found


class ApplicableFields:
    """The custom fields of each (WG, tracker) — the same rule as tracker.tickets.fields.customfields.fields_for,
    answered from one query for a whole page."""

    def __init__(self):
        self._fields: list[CustomField] | None = None
        self._cache: dict[tuple[int, int], list[CustomField]] = {}

    def __call__(self, ticket) -> list[CustomField]:
        key = (ticket.wg_id, ticket.tracker_id)
        if key not in self._cache:
            if self._fields is None:
                self._fields = list(db.session.scalars(
                    select(CustomField).options(selectinload(CustomField.trackers), selectinload(CustomField.wgs))
                    .order_by(CustomField.position, CustomField.id)
                ))
            self._cache[key] = [
                f for f in self._fields
                if any(t.id == key[1] for t in f.trackers) and (f.is_for_all or any(w.id == key[0] for w in f.wgs))
            ]
        return self._cache[key]
