"""What every feature's services share: one error type for refused input, and the commit-or-report step
that views use after a form validates."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import flash

from tracker.extensions import db

T = TypeVar("T")


class ServiceError(ValueError):
    """Input a service refuses. ``messages`` are for the user, already in their language; the service has
    changed nothing that will be committed."""

    def __init__(self, messages: list[str] | str):
        if isinstance(messages, str):
            messages = [messages]
        super().__init__("; ".join(str(m) for m in messages))
        self.messages = list(messages)


def commit_or_flash(change: Callable[[], T], success: str | None = None) -> T | None:
    """Run ``change``; commit and flash ``success`` when it works, or roll back and flash each problem.

    Returns the change's result (``True`` when it returned nothing), or ``None`` when it was refused, so a
    view re-renders the same form with everything the user typed.
    """
    try:
        result = change()
    except ServiceError as error:
        db.session.rollback()
        for message in error.messages:
            flash(message, "error")
        return None
    db.session.commit()
    if success:
        flash(success, "success")
    return True if result is None else result
