"""Per-WG permissions, granted through roles (Redmine's model: a member's roles give a permission set)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from tracker.core.translation import lazy_gettext as _l

# name -> label. Later features add theirs with ``register``.
PERMISSIONS: dict[str, object] = {
    "view_wg": _l("View the WG"),
    "manage_wg": _l("Edit the WG's settings"),
    "manage_members": _l("Manage members"),
    # Redmine's delete_project: granted to no role by default; administrators may always delete.
    "delete_wg": _l("Delete the WG"),
}

# Each permission's feature, for the role form's fieldsets: group key -> label, permission -> group key.
GROUPS: dict[str, object] = {
    "wg": _l("WG"),
    "tickets": _l("Tickets"),
    "notes": _l("Ticket notes"),
    "time": _l("Spent time"),
    "queries": _l("Ticket queries"),
    "charter": _l("Charter and gates"),
    "quarterly": _l("Quarterly report"),
    "risks": _l("Risks"),
    "meetings": _l("Meetings"),
    "planning": _l("Planning board"),
}
PERMISSION_GROUPS: dict[str, str] = {"view_wg": "wg", "manage_wg": "wg", "manage_members": "wg"}

# What a logged-in non-member may do in a public WG, and what the DX office may do in every WG.
READ_ONLY: set[str] = {"view_wg"}


@dataclass(frozen=True)
class Restriction:
    """A state in which a WG keeps only its read-only permissions and ``kept`` (e.g. a closed or stopped
    WG: read-only except for comments). One declaration serves both sides of the WG policy: ``applies_to``
    for one WG in Python, ``restricted_wg_ids`` (SELECT of WG ids) for SQL, so pickers and pages agree.
    Administrators are not restricted (they repair and reopen WGs)."""

    name: str
    applies_to: Callable[[object], bool]
    restricted_wg_ids: Callable[[], object]
    kept: frozenset[str] = frozenset()
    hidden: bool = False  # removes every permission, even to see the WG (an archived WG)

    def removes(self, permission: str) -> bool:
        if self.hidden:
            return True
        return permission not in READ_ONLY and permission not in self.kept


RESTRICTIONS: dict[str, Restriction] = {}


def add_restriction(restriction: Restriction) -> None:
    RESTRICTIONS[restriction.name] = restriction


def restricted(wg, permission: str) -> bool:
    """Whether a restriction now in force on ``wg`` (closed, stopped, archived) takes ``permission`` away, for
    rules that do not go through a permission themselves (the workflow's status transitions)."""
    return any(r.removes(permission) and r.applies_to(wg) for r in RESTRICTIONS.values())


def register(name: str, label, read_only: bool = False, group: str = "wg", group_label=None) -> None:
    """Declare a permission; ``read_only`` ones are granted to non-members of public WGs and the DX office.
    ``group`` is the feature it belongs to on the role form (a new group needs ``group_label``)."""
    PERMISSIONS[name] = label
    PERMISSION_GROUPS[name] = group
    if group not in GROUPS:
        GROUPS[group] = group_label or group
    if read_only:
        READ_ONLY.add(name)


def grouped_permissions() -> list[tuple[object, list[tuple[str, object]]]]:
    """[(group label, [(permission, label), ...]), ...] in the order of GROUPS, each group in declaration order."""
    groups: dict[str, list] = {key: [] for key in GROUPS}
    for name, label in PERMISSIONS.items():
        groups.setdefault(PERMISSION_GROUPS.get(name, "wg"), []).append((name, label))
    return [(GROUPS.get(key, key), items) for key, items in groups.items() if items]


def all_permissions() -> set[str]:
    return set(PERMISSIONS)
