"""An import is its uploader's alone (as in Redmine): nobody else sees its file, mapping or result, not
even an administrator. Creating tickets with it needs ``add_issues`` in the target WG, which the ticket
service checks for every row."""
from __future__ import annotations

from sqlalchemy import ColumnElement, false

from tracker.core.policy import Policy, is_signed_in, register
from tracker.imports.models import TicketImport


@register
class TicketImportPolicy(Policy):
    model = TicketImport
    actions = frozenset({"view", "edit"})

    def can(self, user, action: str, item: TicketImport) -> bool:
        self.check_action(action)
        return is_signed_in(user) and item.user_id == user.id

    def visible(self, user) -> ColumnElement[bool]:
        if not is_signed_in(user):
            return false()
        return TicketImport.user_id == user.id
