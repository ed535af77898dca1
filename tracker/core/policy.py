"""One access policy per protected object, on one protocol.

Each protected model has exactly one ``Policy`` (in ``tracker/<feature>/policy.py``), registered here:

- ``can(user, action, obj)`` answers in Python for one object (pages, API handlers, notifications);
- ``visible(user)`` is the SQL condition for the rows ``user`` may see (lists, search, feeds, exports,
  pickers, calendars, activity).

The two must agree; ``tests/core/test_policy_parity.py`` checks every registered policy against users and
objects built to contain NULLs. Write ``visible`` positively: select the ids a user may see, and never put
``NOT (...)`` over a nullable column, because ``NOT NULL`` is NULL and the row would never be hidden.

Code outside a policy asks ``can`` / ``visible`` / ``visible_ids`` below and never re-implements a rule.
"""
from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import ColumnElement, Select, false, select, true

VIEW = "view"


def is_signed_in(user) -> bool:
    """A real, active account (anonymous users and deactivated accounts see nothing protected)."""
    return user is not None and bool(getattr(user, "is_authenticated", False)) and bool(getattr(user, "active", False))


class Policy:
    """Base of every policy. Subclasses set ``model`` and ``actions`` and implement ``can`` and ``visible``.

    ``actions`` lists every action ``can`` understands; asking for another is a programming error, so a
    typo fails loudly instead of silently denying (or allowing)."""

    model: ClassVar[type]
    actions: ClassVar[frozenset[str]] = frozenset({VIEW})

    def can(self, user, action: str, obj) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def visible(self, user) -> ColumnElement[bool]:  # pragma: no cover - abstract
        raise NotImplementedError

    # -- shared helpers -------------------------------------------------------------------------------

    def check_action(self, action: str) -> None:
        if action not in self.actions:
            raise ValueError(f"{type(self).__name__} has no action {action!r}; known: {sorted(self.actions)}")

    def visible_ids(self, user) -> Select:
        """``SELECT id FROM <table> WHERE visible(user)``: the positive form to filter other tables by."""
        if not is_signed_in(user) and not self.allows_anonymous:
            return select(self.model.id).where(false())
        return select(self.model.id).where(self.visible(user))

    # Most objects are for signed-in staff only; a policy that serves anonymous readers says so.
    allows_anonymous: ClassVar[bool] = False

    def deciding_wg(self, obj):
        """The WG whose permissions, with ``obj``'s own columns, are all that ``can`` reads for ``obj``; None
        when ``can`` reads more. A notification's audience then reads every recipient's permissions in that
        WG with one statement and asks ``can`` for each, instead of a SQL rule per recipient."""
        return None


class StaffPolicy(Policy):
    """Objects that every active member of staff sees (the idea box, the KPI register, talent profiles):
    viewing needs a signed-in account and nothing else; every other action is the subclass's ``can_act``."""

    def can(self, user, action: str, obj) -> bool:
        if not is_signed_in(user):
            return False
        if action == VIEW:
            return True
        return self.can_act(user, action, obj)

    def can_act(self, user, action: str, obj) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def visible(self, user) -> ColumnElement[bool]:
        return true() if is_signed_in(user) else false()


_POLICIES: dict[type, Policy] = {}


def register(policy_class: type[Policy]) -> type[Policy]:
    """Class decorator: ``@register`` on a Policy subclass makes it the one policy of its model."""
    model = policy_class.model
    existing = _POLICIES.get(model)
    if existing is not None and type(existing) is not policy_class:
        raise RuntimeError(f"{model.__name__} already has the policy {type(existing).__name__}")
    _POLICIES[model] = policy_class()
    return policy_class


def policy_for(model_or_obj: Any) -> Policy:
    model = model_or_obj if isinstance(model_or_obj, type) else type(model_or_obj)
    for klass in model.__mro__:
        if klass in _POLICIES:
            return _POLICIES[klass]
    raise LookupError(f"No access policy is registered for {model.__name__}")


def registered() -> dict[type, Policy]:
    """Every registered policy by model (the parity and permission-matrix tests iterate over this)."""
    return dict(_POLICIES)


def can(user, action: str, obj) -> bool:
    if obj is None:
        return False
    policy = policy_for(obj)
    policy.check_action(action)
    return bool(policy.can(user, action, obj))


def visible(model: type, user) -> ColumnElement[bool]:
    """The SQL condition for the rows of ``model`` that ``user`` may see."""
    return policy_for(model).visible(user)


def visible_ids(model: type, user) -> Select:
    return policy_for(model).visible_ids(user)
