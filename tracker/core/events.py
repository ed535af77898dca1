"""Domain events: services announce what happened; the notification feature (and anything else that
subscribes) decides who hears of it and how.

Titles and bodies are lazy strings (``lazy_gettext("...", **values)``) so that each recipient gets them in
their own language. Emit inside the transaction of the change: a subscriber that writes rows (the outbox)
then commits or rolls back together with the change.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterable


@dataclass
class Event:
    kind: str  # dotted, e.g. "ticket.created", "ticket.updated", "idea.answered", "wg.gate_decided"
    title: object  # lazy string: one line
    url: str  # path of the page the event is about, e.g. "/issues/12"
    actor: object | None = None  # the user who made the change (never notified of it)
    recipients: Iterable = ()  # users it concerns directly: author, assignee, watchers, mentioned ...
    wg: object | None = None  # the WG it happened in, for "everything in my WGs" preferences
    body: object | None = None  # lazy string or plain text (e.g. the notes of a ticket update)
    data: dict = field(default_factory=dict)  # machine-readable details (ids) for subscribers
    # What the event is about (a ticket, an idea, a gate decision ...) and, for a ticket note, the journal.
    # A recipient hears of the event only if the access policy lets them see the subject (and the note):
    # an event about a private ticket never reaches someone who may not open it.
    subject: object | None = None
    note: object | None = None


_subscribers: list[Callable[[Event], None]] = []


def subscribe(handler: Callable[[Event], None]) -> None:
    if handler not in _subscribers:
        _subscribers.append(handler)


def emit(event: Event) -> None:
    for handler in list(_subscribers):
        handler(event)


# Checks that look for what did NOT happen (a quarter's actual never entered, a KPI measurement overdue).
# The notification worker runs each registered check periodically; a check emits events for what it finds
# and must be idempotent (it remembers what it already reported, so a rerun emits nothing new).
_periodic_checks: dict[str, Callable[[], None]] = {}
# A check that runs on its own schedule (the directory sync) names how many seconds apart, read when it is due.
_intervals: dict[str, Callable[[], float]] = {}


def register_periodic_check(name: str, check: Callable[[], None],
                            every_seconds: Callable[[], float] | None = None) -> None:
    _periodic_checks[name] = check
    if every_seconds is not None:
        _intervals[name] = every_seconds


def periodic_checks() -> dict[str, Callable[[], None]]:
    return dict(_periodic_checks)


def check_interval(name: str, default: float) -> float:
    """Seconds between two runs of check ``name``: its own interval, else ``default``."""
    return _intervals[name]() if name in _intervals else default


# Event kinds with a label (a lazy string) for the notification preferences page. Features register the
# kinds they emit; an unregistered kind is still delivered and shown under its dotted name.
_kinds: dict[str, object] = {}


def register_kind(kind: str, label) -> None:
    _kinds[kind] = label


def kinds() -> dict[str, object]:
    return dict(_kinds)
