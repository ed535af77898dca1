"""What a WG's history records: its settings and its members with their roles; and the roles themselves."""
from tracker.core import history
from tracker.core.translation import lazy_gettext as _l
from tracker.wg.models import Role, WorkingGroup


def _members(wg) -> list[str]:
    return [f"{m.user.name}（{'・'.join(r.name for r in m.roles)}）" for m in wg.members]


def _kpis(wg) -> list[str]:
    from sqlalchemy import select

    from tracker.extensions import db
    from tracker.kpi.models import Kpi, WgKpi

    return list(db.session.scalars(select(Kpi.name).join(WgKpi, WgKpi.kpi_id == Kpi.id).where(WgKpi.wg_id == wg.id)))


history.journaled(
    WorkingGroup, "wg", _l("WG"),
    {"name": _l("Name"), "description": _l("Description"), "is_public": _l("Public (every member of staff can see it)"),
     "members": _l("Members"), "kpis": _l("KPIs"), "archived_at": _l("Archived")},
    display={"is_public": history.yes_no},
    values={"members": _members, "kpis": _kpis},
)
history.journaled(
    Role, "role", _l("Role"),
    {"name": _l("Name"), "position": _l("Order"), "permissions": _l("Permissions")},
)
