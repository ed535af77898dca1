"""Per-WG permissions, granted through roles (Redmine's model: a member's roles give a permission set)."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l

# name -> label. Later features add theirs with ``register``.
PERMISSIONS: dict[str, object] = {
    "view_wg": _l("View the WG"),
    "manage_wg": _l("Edit the WG's settings"),
    "manage_members": _l("Manage members"),
}

# What a logged-in non-member may do in a public WG, and what the DX office may do in every WG.
READ_ONLY: set[str] = {"view_wg"}


# Functions (wg, user, granted) -> granted that narrow a non-admin's permissions, e.g. a closed WG is read-only.
FILTERS: list = []


def add_filter(narrow) -> None:
    if narrow not in FILTERS:
        FILTERS.append(narrow)


def register(name: str, label, read_only: bool = False) -> None:
    """Declare a permission; ``read_only`` ones are granted to non-members of public WGs and the DX office."""
    PERMISSIONS[name] = label
    if read_only:
        READ_ONLY.add(name)


def all_permissions() -> set[str]:
    return set(PERMISSIONS)
