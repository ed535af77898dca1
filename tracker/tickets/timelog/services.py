"""Time tracking: entries on tickets (date, hours, activity, comment) and totals per ticket, WG and person."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.core.translation import gettext as _
from sqlalchemy import and_, func, select

from tracker.accounts.models import User
from tracker.core import policy
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.tickets.models import Ticket, TimeEntry, TimeEntryActivity
from tracker.wg.models import WorkingGroup


def activities() -> list[TimeEntryActivity]:
    return list(
        db.session.scalars(
            select(TimeEntryActivity).where(TimeEntryActivity.active.is_(True)).order_by(TimeEntryActivity.position)
        )
    )


def log_time(user, values: dict, ticket: Ticket | None = None, wg: WorkingGroup | None = None,
             entry: TimeEntry | None = None) -> TimeEntry:
    """Create (or, with ``entry``, change) a time entry from plain values: spent_on, hours, activity_id,
    comments, and user_id (only those who may log time for others; default the caller)."""
    problems = []
    wg = ticket.wg if ticket is not None else wg or (entry.wg if entry else None)
    if wg is None or not wg.allows(user, "log_time") or (ticket is not None and not ticket.visible_to(user)):
        raise ServiceError(_("You may not log time here."))
    if entry is not None and not policy.can(user, "edit", entry):
        raise ServiceError(_("You may not change this time entry."))
    try:
        spent_on = values.get("spent_on")
        spent_on = spent_on if isinstance(spent_on, date) else date.fromisoformat(str(spent_on or "").strip())
    except ValueError:
        problems.append(_("The date must be a date (YYYY-MM-DD)."))
        spent_on = None
    try:
        hours = Decimal(str(values.get("hours") or "").strip().replace(",", "."))
        if hours <= 0 or hours > 24:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(_("Hours must be more than 0 and at most 24."))
        hours = None
    activity = None
    activity_id = values.get("activity_id")
    if str(activity_id or "").isdigit():
        activity = db.session.get(TimeEntryActivity, int(activity_id))
    if activity is None:
        activity = db.session.scalar(select(TimeEntryActivity).where(TimeEntryActivity.is_default.is_(True)))
        if activity_id or activity is None:
            problems.append(_("Choose an activity."))
    comments = (values.get("comments") or "").strip()
    if len(comments) > 1024:
        problems.append(_("The comment is too long (up to 1024 characters)."))
    worker = user
    if values.get("user_id") and str(values["user_id"]) != str(user.id):
        worker = db.session.get(User, int(values["user_id"])) if str(values["user_id"]).isdigit() else None
        if worker is None or not wg.allows(user, "edit_issues"):
            problems.append(_("You may only log your own time."))
    if problems:
        raise ServiceError(problems)
    entry = entry or TimeEntry(author_id=user.id)
    entry.wg_id = wg.id
    entry.ticket_id = ticket.id if ticket is not None else entry.ticket_id
    entry.user_id = worker.id
    entry.spent_on = spent_on
    entry.hours = hours.quantize(Decimal("0.01"))
    entry.activity_id = activity.id
    entry.comments = comments
    db.session.add(entry)
    db.session.flush()
    return entry


def delete_time_entry(entry: TimeEntry, user) -> None:
    if not policy.can(user, "edit", entry):
        raise ServiceError(_("You may not delete this time entry."))
    db.session.delete(entry)


def spent_hours(ticket_ids: list[int]) -> dict[int, Decimal]:
    if not ticket_ids:
        return {}
    rows = db.session.execute(
        select(TimeEntry.ticket_id, func.sum(TimeEntry.hours)).where(TimeEntry.ticket_id.in_(ticket_ids)).group_by(TimeEntry.ticket_id)
    )
    return {ticket_id: Decimal(str(total or 0)) for ticket_id, total in rows}


def entries_condition(user, wg: WorkingGroup | None = None, date_from: date | None = None, date_to: date | None = None,
                      user_id: int | None = None):
    """The time entries ``user`` may see, narrowed to a WG, a period and a person."""
    conditions = [TimeEntry.visible(user)]
    if wg is not None:
        conditions.append(TimeEntry.wg_id == wg.id)
    if date_from:
        conditions.append(TimeEntry.spent_on >= date_from)
    if date_to:
        conditions.append(TimeEntry.spent_on <= date_to)
    if user_id:
        conditions.append(TimeEntry.user_id == user_id)
    return and_(*conditions)


TOTALS_BY = {"wg": (TimeEntry.wg_id, WorkingGroup), "user": (TimeEntry.user_id, User),
             "activity": (TimeEntry.activity_id, TimeEntryActivity)}


def totals(user, by: str, **narrowing):
    """(label, hours) per WG, person or activity, over the entries ``user`` may see (see entries_condition)."""
    return summary(user, **narrowing)["by_" + by]


def summary(user, **narrowing) -> dict:
    """The hours and number of the entries ``user`` may see (see entries_condition), and their totals per WG,
    person and activity ("by_wg", "by_user", "by_activity": (label, hours), largest first).

    One pass over the entries, grouped by the three keys at once; the three totals are summed from it here,
    so that a city's 20,000 entries (each checked against its ticket's visibility) are read once, not four times."""
    columns = [column for column, _model in TOTALS_BY.values()]
    rows = db.session.execute(
        select(*columns, func.sum(TimeEntry.hours), func.count(TimeEntry.id))
        .where(entries_condition(user, **narrowing)).group_by(*columns)
    ).all()
    result = {"total": sum((Decimal(str(row[3] or 0)) for row in rows), Decimal(0)),
              "count": sum(row[4] for row in rows)}
    for position, (by, (_column, model)) in enumerate(TOTALS_BY.items()):
        hours: dict[int, Decimal] = {}
        for row in rows:
            hours[row[position]] = hours.get(row[position], Decimal(0)) + Decimal(str(row[3] or 0))
        names = {o.id: str(o) for o in db.session.scalars(select(model).where(model.id.in_(list(hours))))}
        result["by_" + by] = sorted(((names.get(key, "?"), total) for key, total in hours.items()),
                                    key=lambda item: (-item[1], item[0]))
    return result
