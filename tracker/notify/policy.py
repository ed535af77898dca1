"""A notification is its recipient's alone: nobody else (not even an administrator) reads or marks it."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false

from tracker.core.policy import Policy, is_signed_in, register
from tracker.notify.models import Notification


@register
class NotificationPolicy(Policy):
    model = Notification
    actions = frozenset({"view", "mark_read"})

    def can(self, user, action: str, obj: Notification) -> bool:
        return is_signed_in(user) and obj.user_id is not None and obj.user_id == user.id

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        return Notification.user_id == user.id
