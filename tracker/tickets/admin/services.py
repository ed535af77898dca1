"""Administration of the ticket vocabulary: trackers, statuses, priorities and activities, custom fields;
and per-WG categories and milestones."""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _
from sqlalchemy import func, select, update

from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.tickets.admin.audit import recorded
from tracker.tickets.fields.customfields import FORMATS
from tracker.tickets.models import (
    CustomField, Enumeration, IssueCategory, IssuePriority, IssueStatus, Ticket, TimeEntry, TimeEntryActivity, Tracker,
    Version,
)
from tracker.wg.models import WorkingGroup


def _name(value: str, limit: int = 60) -> str:
    name = (value or "").strip()
    if not name:
        raise ServiceError(_("The name is required."))
    if len(name) > limit:
        raise ServiceError(_("The name is too long (up to %(n)s characters).", n=limit))
    return name


def _unique(model, name: str, obj, **scope) -> None:
    stmt = select(model).where(model.name == name)
    for key, value in scope.items():
        stmt = stmt.where(getattr(model, key) == value)
    clash = db.session.scalar(stmt)
    if clash is not None and clash is not obj:
        raise ServiceError(_("The name %(name)s is already used.", name=name))


def _position(value) -> int:
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        raise ServiceError(_("The order must be a whole number.")) from None


@recorded("tracker")
def save_tracker(tracker: Tracker | None, name: str, position=0, default_status_id=None) -> Tracker:
    name = _name(name)
    _unique(Tracker, name, tracker)
    tracker = tracker or Tracker()
    tracker.name, tracker.position = name, _position(position)
    status = db.session.get(IssueStatus, int(default_status_id)) if str(default_status_id or "").isdigit() else None
    if status is None:
        raise ServiceError(_("Choose the default status."))
    tracker.default_status_id = status.id
    db.session.add(tracker)
    return tracker


@recorded("status")
def save_status(status: IssueStatus | None, name: str, is_closed=False, position=0, default_done_ratio=None) -> IssueStatus:
    name = _name(name)
    _unique(IssueStatus, name, status)
    status = status or IssueStatus()
    status.name, status.is_closed, status.position = name, bool(is_closed), _position(position)
    ratio = str(default_done_ratio or "").strip()
    if ratio and (not ratio.isdigit() or int(ratio) > 100):
        raise ServiceError(_("Progress must be between 0 and 100."))
    status.default_done_ratio = int(ratio) if ratio else None
    db.session.add(status)
    return status


@recorded("item")
def save_enumeration(kind: str, item: Enumeration | None, name: str, position=0, is_default=False, active=True) -> Enumeration:
    model = {"IssuePriority": IssuePriority, "TimeEntryActivity": TimeEntryActivity}[kind]
    name = _name(name)
    _unique(model, name, item)
    item = item or model()
    item.name, item.position, item.active = name, _position(position), bool(active)
    if is_default:
        for other in db.session.scalars(select(model).where(model.is_default.is_(True))):
            other.is_default = False
    item.is_default = bool(is_default)
    db.session.add(item)
    return item


@recorded("obj")
def delete_vocabulary(obj) -> None:
    """Delete a tracker, status or enumeration that no ticket or time entry uses."""
    usage = {
        Tracker: lambda o: select(func.count()).select_from(Ticket).where(Ticket.tracker_id == o.id),
        IssueStatus: lambda o: select(func.count()).select_from(Ticket).where(Ticket.status_id == o.id),
        IssuePriority: lambda o: select(func.count()).select_from(Ticket).where(Ticket.priority_id == o.id),
        TimeEntryActivity: lambda o: select(func.count()).select_from(TimeEntry).where(TimeEntry.activity_id == o.id),
    }[type(obj)]
    if db.session.scalar(usage(obj)):
        raise ServiceError(_("%(name)s is in use and cannot be deleted.", name=obj.name))
    if isinstance(obj, IssueStatus) and db.session.scalar(select(Tracker.id).where(Tracker.default_status_id == obj.id).limit(1)):
        raise ServiceError(_("%(name)s is the default status of a tracker.", name=obj.name))
    db.session.delete(obj)


@recorded("field")
def save_custom_field(field: CustomField | None, *, name: str, field_format: str, possible_values: str | list = "",
                      multiple=False, is_required=False, is_for_all=False, is_filter=True, searchable=False,
                      default_value: str = "", description: str = "", position=0, tracker_ids=(), wg_ids=()) -> CustomField:
    name = _name(name)
    _unique(CustomField, name, field)
    if field_format not in FORMATS:
        raise ServiceError(_("Choose a format."))
    if isinstance(possible_values, str):
        possible_values = [line.strip() for line in possible_values.splitlines()]
    values = []
    for value in possible_values:
        if value and value not in values:
            values.append(value)
    if field_format == "list" and not values:
        raise ServiceError(_("A list needs at least one choice (one per line)."))
    if field_format == "list" and default_value and default_value not in values:
        raise ServiceError(_("The default value must be one of the choices."))
    trackers = list(db.session.scalars(select(Tracker).where(Tracker.id.in_([int(i) for i in tracker_ids]))))
    if not trackers:
        raise ServiceError(_("Choose at least one tracker."))
    field = field or CustomField()
    field.name, field.field_format, field.possible_values = name, field_format, values
    field.multiple = bool(multiple) and field_format in ("list", "user")
    field.is_required, field.is_for_all, field.is_filter = bool(is_required), bool(is_for_all), bool(is_filter)
    field.searchable, field.default_value = bool(searchable), (default_value or "").strip()
    field.description, field.position = description or "", _position(position)
    field.trackers = trackers
    field.wgs = list(db.session.scalars(select(WorkingGroup).where(WorkingGroup.id.in_([int(i) for i in wg_ids]))))
    db.session.add(field)
    return field


def save_category(wg: WorkingGroup, category: IssueCategory | None, name: str) -> IssueCategory:
    name = _name(name)
    _unique(IssueCategory, name, category, wg_id=wg.id)
    category = category or IssueCategory(wg_id=wg.id)
    category.name = name
    db.session.add(category)
    return category


def save_version(wg: WorkingGroup, version: Version | None, name: str, effective_date=None, status: str = "open",
                 description: str = "") -> Version:
    name = _name(name)
    _unique(Version, name, version, wg_id=wg.id)
    if status not in ("open", "locked", "closed"):
        raise ServiceError(_("Choose a status."))
    due = None
    if effective_date:
        try:
            due = effective_date if isinstance(effective_date, date) else date.fromisoformat(str(effective_date))
        except ValueError:
            raise ServiceError(_("The date must be a date (YYYY-MM-DD).")) from None
    version = version or Version(wg_id=wg.id)
    version.name, version.effective_date, version.status = name, due, status
    version.description = (description or "")[:255]
    db.session.add(version)
    return version


@recorded("category")
def delete_category(category: IssueCategory, reassign_to: IssueCategory | None = None) -> None:
    """Delete a category; its tickets move to ``reassign_to`` (same WG) or lose their category, as in Redmine."""
    if reassign_to is not None and reassign_to.wg_id != category.wg_id:
        raise ServiceError(_("Choose a category of the same WG."))
    db.session.execute(update(Ticket).where(Ticket.category_id == category.id)
                       .values(category_id=reassign_to.id if reassign_to is not None else None))
    db.session.delete(category)


@recorded("version")
def delete_version(version: Version) -> None:
    """Delete a milestone no ticket is planned for (Redmine: "Unable to delete version")."""
    if db.session.scalar(select(func.count()).select_from(Ticket).where(Ticket.fixed_version_id == version.id)):
        raise ServiceError(_("Unable to delete version: tickets are planned for it."))
    db.session.delete(version)
