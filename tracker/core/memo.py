"""Answers memoised for one request: reference data a page reads several times (the statuses, the people a
ticket can be assigned to, the statuses the workflow allows) is read once per request.

``per_request(key, compute)`` returns the memoised answer for ``key`` or computes it. Everything is forgotten
when the session flushes or rolls back, so a request that changes data reads it afresh afterwards; outside a
request (scripts, the worker) nothing is memoised. Lists are handed out as copies, so a caller may change
what it got."""
from __future__ import annotations

from typing import Callable, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session

T = TypeVar("T")
_KEY = "_per_request_memo"


def _memo() -> dict | None:
    from flask import g, has_request_context

    if not has_request_context():
        return None
    return g.setdefault(_KEY, {})


def per_request(key: tuple, compute: Callable[[], T]) -> T:
    memo = _memo()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    value = memo[key]
    return list(value) if isinstance(value, list) else value


def forget() -> None:
    from flask import g, has_app_context

    if has_app_context():
        g.pop(_KEY, None)


@event.listens_for(Session, "after_flush")
def _forget_after_flush(session, flush_context) -> None:
    forget()


@event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session, previous_transaction) -> None:
    forget()
