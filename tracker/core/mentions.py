"""@login mentions: one pattern for every feature, matched without regard to case, and only people who may see
the object count as mentioned (a mention never tells anyone about something hidden from them)."""
from __future__ import annotations

import re
from typing import Callable, Iterable

from sqlalchemy import func, select

from tracker.extensions import db

# "@login" not inside a word or an e-mail address; a login may hold "." and "-" but not end with them
# ("@tanaka." at the end of a sentence names tanaka).
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9_][A-Za-z0-9_.\-]*[A-Za-z0-9_]|[A-Za-z0-9_])")


def logins_in(text: str | None) -> set[str]:
    """The mentioned logins, lower-cased."""
    return {login.lower() for login in MENTION.findall(text or "")}


def mentioned_users(text: str | None, *, may_see: Callable[[object], bool] | None = None,
                    exclude: Iterable[int] = ()) -> list:
    """The active users ``text`` mentions (logins compared case-insensitively) who may see what it is on
    (``may_see(user)``), leaving out the ids in ``exclude`` (the author, those already told)."""
    from tracker.accounts.models import User

    logins = logins_in(text)
    if not logins:
        return []
    excluded = set(exclude)
    users = db.session.scalars(select(User).where(func.lower(User.login).in_(logins), User.active.is_(True)))
    return [u for u in users if u.id not in excluded and (may_see is None or may_see(u))]


def mark(text: str, render: Callable[[str], str]) -> str:
    """``text`` with each mention replaced by ``render(login)`` (the Markdown linker's span)."""
    return MENTION.sub(lambda match: render(match.group(1)), text)
