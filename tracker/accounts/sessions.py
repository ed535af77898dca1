"""Server-side sessions: each login gets a row (``UserSession``) and its token goes into the session and
remember-me cookies through ``User.get_id``. The user loader accepts a cookie only while its row exists,
so logging out, a password change or reset, deactivation, or "end this session" stop copied cookies too."""
from __future__ import annotations

import secrets

from flask import request
from flask_login import login_user
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from tracker.accounts.models import User, UserSession
from tracker.core.db import utcnow
from tracker.extensions import db


def open_session(user: User, remember: bool = False, user_agent: str | None = None,
                 address: str | None = None) -> str:
    """A new server-side session of ``user``; returns the cookie's user id ``"<id>:<token>"`` (commits)."""
    token = secrets.token_urlsafe(32)
    db.session.add(UserSession(
        user_id=user.id, token_digest=UserSession.digest(token), created_at=utcnow(), remember=remember,
        user_agent=(user_agent or "")[:200] or None, address=(address or "")[:45] or None,
    ))
    db.session.commit()
    user.session_token = token
    return f"{user.id}:{token}"


def start(user: User, remember: bool = False) -> None:
    """Log ``user`` in on this browser with a new server-side session (commits)."""
    open_session(user, remember, request.user_agent.string, request.remote_addr)
    login_user(user, remember=remember)


def load(user_id: str) -> User | None:
    """The user of a session or remember cookie (``"<id>:<token>"``), if that session was not ended."""
    ident, _, token = (user_id or "").partition(":")
    if not ident.isdigit() or not token:
        return None  # cookies from before server-side sessions: log in again
    # The user and their organisation roles (every page asks them) in one statement.
    user = db.session.scalars(
        select(User).join(UserSession, UserSession.user_id == User.id)
        .where(User.id == int(ident), UserSession.token_digest == UserSession.digest(token))
        .options(joinedload(User.org_role_rows))
    ).unique().first()
    if user is None or not user.active:
        return None
    user.session_token = token
    return user


def current_session_id(user: User) -> int | None:
    if not user.session_token:
        return None
    return db.session.scalar(select(UserSession.id).where(UserSession.token_digest == UserSession.digest(user.session_token)))


def sessions_of(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.created_at.desc(), UserSession.id.desc())
    ))


def end(user: User, session_id: int) -> bool:
    """End one of ``user``'s own sessions; False when there is no such session of theirs."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount > 0


def end_current(user: User) -> None:
    if user.session_token:
        db.session.execute(
            delete(UserSession).where(UserSession.token_digest == UserSession.digest(user.session_token)),
            execution_options={"synchronize_session": False},
        )


def end_all(user: User, keep_current: bool = False) -> int:
    """End every session of ``user`` (a new password, deactivation), or every other one; returns how many."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep_current and user.session_token:
        query = query.where(UserSession.token_digest != UserSession.digest(user.session_token))
    return db.session.execute(query, execution_options={"synchronize_session": False}).rowcount
