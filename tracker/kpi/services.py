"""KPI register changes, measurements, WG links, and the periodic 'measurement overdue' check."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import select

from tracker.core import events, history
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.kpi.models import CheckReport, Kpi, KpiMeasurement, WgKpi
from tracker.kpi.status import measurement_overdue


class KpiError(ServiceError):
    """KPI input that cannot be accepted."""


def _decimal(raw, label) -> tuple[Decimal | None, str | None]:
    if raw is None or str(raw).strip() == "":
        return None, _("%(field)s is required.", field=label)
    try:
        value = Decimal(str(raw).replace(",", "").strip())
    except InvalidOperation:
        return None, _("%(field)s must be a number.", field=label)
    if not value.is_finite():
        return None, _("%(field)s must be a number.", field=label)
    return value, None


def save_kpi(actor, kpi: Kpi | None, *, name: str, plan_priority: str = "", number: int = 0, unit: str = "%",
             target_value, target_label: str = "", target_fiscal_year: int, baseline_value=0,
             baseline_date: date, measurement_interval_days: int = 92) -> Kpi:
    problems = []
    if not (name or "").strip():
        problems.append(_("The name is required."))
    target, error = _decimal(target_value, _("Target value"))
    if error:
        problems.append(error)
    baseline, error = _decimal(baseline_value if baseline_value not in (None, "") else 0, _("Baseline"))
    if error:
        problems.append(error)
    if not isinstance(target_fiscal_year, int) or not 2000 <= target_fiscal_year <= 2100:
        problems.append(_("Give the target fiscal year (e.g. 2025)."))
    if not isinstance(baseline_date, date):
        problems.append(_("Give the date of the baseline."))
    if problems:
        raise KpiError(problems)
    kpi = kpi or Kpi()
    with history.recording(actor, kpi):
        kpi.name, kpi.plan_priority, kpi.number, kpi.unit = name.strip(), (plan_priority or "").strip(), number or 0, unit or ""
        kpi.target_value, kpi.target_label, kpi.target_fiscal_year = target, (target_label or "").strip(), target_fiscal_year
        kpi.baseline_value, kpi.baseline_date = baseline, baseline_date
        kpi.measurement_interval_days = measurement_interval_days or 92
        db.session.add(kpi)
        db.session.flush()
    return kpi


def add_measurement(kpi: Kpi, user, *, value, as_of: date | None, source: str = "", note: str = "",
                    today: date) -> KpiMeasurement:
    problems = []
    number, error = _decimal(value, _("Value"))
    if error:
        problems.append(error)
    if not isinstance(as_of, date):
        problems.append(_("Give the date the value is as of."))
    elif as_of > today:
        problems.append(_("A measurement cannot be in the future (%(day)s).", day=as_of.isoformat()))
    if problems:
        raise KpiError(problems)
    measurement = KpiMeasurement(kpi_id=kpi.id, value=number, as_of=as_of, source=(source or "").strip(),
                                 note=(note or "").strip(), recorded_by_id=getattr(user, "id", None))
    db.session.add(measurement)
    db.session.flush()
    db.session.refresh(kpi, ["measurements"])
    shown = f"{as_of.isoformat()}: {format(number.normalize(), 'f')}{kpi.unit or ''}"
    history.record(user, kpi, [["measurement", None, shown]], notes=measurement.note or None)
    return measurement


def set_wg_kpis(actor, wg, kpi_ids: list[int]) -> None:
    with history.recording(actor, wg):
        current = {link.kpi_id: link for link in db.session.scalars(select(WgKpi).where(WgKpi.wg_id == wg.id))}
        for kpi_id, link in current.items():
            if kpi_id not in kpi_ids:
                db.session.delete(link)
        for kpi_id in kpi_ids:
            if kpi_id not in current and db.session.get(Kpi, kpi_id) is not None:
                db.session.add(WgKpi(wg_id=wg.id, kpi_id=kpi_id))
        db.session.flush()


def already_reported(check: str, key: str) -> bool:
    """Remember that ``check`` reported ``key``; True when it had been reported before."""
    if db.session.scalar(select(CheckReport.id).where(CheckReport.check == check, CheckReport.key == key)):
        return True
    db.session.add(CheckReport(check=check, key=key))
    db.session.flush()
    return False


def check_overdue_measurements(today: date | None = None) -> int:
    """Periodic check: KPIs whose next measurement is overdue, reported once per KPI and last measurement."""
    from tracker.accounts.models import OrgRole, User, UserOrgRole
    from tracker.core.i18n import local_today

    today = today or local_today()
    reported = 0
    dx_office = list(db.session.scalars(select(User).join(UserOrgRole, UserOrgRole.user_id == User.id)
                                        .where(UserOrgRole.role == OrgRole.DX_OFFICE, User.active.is_(True))))
    for kpi in db.session.scalars(select(Kpi)):
        if not measurement_overdue(kpi, today):
            continue
        last = kpi.latest.as_of if kpi.latest else kpi.baseline_date
        if already_reported("kpi.measurement_overdue", f"{kpi.id}:{last.isoformat()}"):
            continue
        wg_users = [m.user for link in kpi.wg_links for m in link.wg.members]
        events.emit(events.Event(
            kind="kpi.measurement_overdue",
            title=_l("KPI measurement overdue: %(kpi)s (last %(day)s)", kpi=kpi.name, day=last.isoformat()),
            url=f"/kpis/{kpi.id}",
            recipients=list({u.id: u for u in dx_office + wg_users}.values()),
            subject=kpi, data={"kpi_id": kpi.id, "last_as_of": last.isoformat()},
        ))
        reported += 1
    return reported


events.register_periodic_check("kpi.measurement_overdue", check_overdue_measurements)
