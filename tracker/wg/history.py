"""What a WG's history records: its settings and its members with their roles; and the roles themselves."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.wg.models import Role, WorkingGroup


def _members(wg) -> list[str]:
    return [f"{m.user.name}（{'・'.join(r.name for r in m.roles)}）" for m in wg.members]


history.journaled(
    WorkingGroup, "wg", _l("WG"),
    {"name": _l("Name"), "description": _l("Description"), "is_public": _l("Public (every member of staff can see it)"),
     "members": _l("Members")},
    display={"is_public": history.yes_no},
    values={"members": _members},
)
history.journaled(
    Role, "role", _l("Role"),
    {"name": _l("Name"), "position": _l("Order"), "permissions": _l("Permissions")},
)
