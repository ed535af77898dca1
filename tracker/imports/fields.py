"""The ticket fields a CSV column can be mapped to, Redmine's column names for each (what Redmine's CSV export
writes, in English and in Japanese, and this application's own labels), and turning one row's cells into
the plain values the ticket service takes, with a message per cell that cannot be used."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select

from tracker.core.translation import gettext as _
from tracker.core.translation import lazy_gettext as _l
from tracker.extensions import db
from tracker.tickets.fields import customfields
from tracker.tickets.fields.values import assignable_users
from tracker.tickets.models import CustomField, IssueCategory, IssuePriority, IssueStatus, Tracker, Version
from tracker.wg.models import WorkingGroup

TRUE_WORDS = {"1", "yes", "y", "true", "はい", "○", "x", "on"}
FALSE_WORDS = {"0", "no", "n", "false", "いいえ", "", "off"}


@dataclass(frozen=True)
class ImportField:
    key: str
    label: object
    names: tuple[str, ...]  # column names that map to it by default (compared without case)
    required: bool = False


FIELDS = (
    ImportField("tracker", _l("Tracker"), ("Tracker", "トラッカー")),
    ImportField("status", _l("Status"), ("Status", "ステータス")),
    ImportField("subject", _l("Subject"), ("Subject", "題名", "件名", "タイトル"), required=True),
    ImportField("description", _l("Description"), ("Description", "説明")),
    ImportField("priority", _l("Priority"), ("Priority", "優先度")),
    ImportField("category", _l("Category"), ("Category", "カテゴリ", "カテゴリー")),
    ImportField("assigned_to", _l("Assignee"), ("Assignee", "Assigned to", "担当者")),
    ImportField("fixed_version", _l("Milestone"), ("Target version", "Milestone", "対象バージョン", "マイルストーン")),
    ImportField("start_date", _l("Start date"), ("Start date", "開始日")),
    ImportField("due_date", _l("Due date"), ("Due date", "期日")),
    ImportField("estimated_hours", _l("Estimated time"), ("Estimated time", "予定工数")),
    ImportField("done_ratio", _l("Progress"), ("% Done", "Progress", "進捗率", "進捗")),
    ImportField("parent", _l("Parent ticket"), ("Parent task", "Parent ticket", "親チケット")),
    ImportField("is_private", _l("Private"), ("Private", "プライベート")),
)


def custom_fields_of(wg: WorkingGroup) -> list[CustomField]:
    """The custom fields enabled in ``wg`` for any tracker (which apply to a row depends on its tracker)."""
    seen, fields = set(), []
    for tracker in db.session.scalars(select(Tracker).order_by(Tracker.position, Tracker.id)):
        for custom in customfields.fields_for(wg.id, tracker.id):
            if custom.id not in seen:
                seen.add(custom.id)
                fields.append(custom)
    return fields


def all_fields(wg: WorkingGroup) -> list[ImportField]:
    return list(FIELDS) + [ImportField(f"cf_{c.id}", c.name, (c.name,)) for c in custom_fields_of(wg)]


def default_mapping(header: list[str], fields: list[ImportField]) -> dict[str, int]:
    """Each field to the first column named as Redmine (or this application, in either language) names it."""
    names = [cell.strip().casefold() for cell in header]
    mapping = {}
    for item in fields:
        wanted = {n.casefold() for n in item.names} | {str(item.label).casefold()}
        for index, name in enumerate(names):
            if name in wanted and index not in mapping.values():
                mapping[item.key] = index
                break
    return mapping


class RowReader:
    """Turns rows into the ticket service's values for one WG, looking each vocabulary up once."""

    def __init__(self, wg: WorkingGroup, header: list[str], mapping: dict[str, int], date_format: str):
        self.wg, self.header, self.mapping, self.date_format = wg, header, mapping, date_format
        by_name = lambda rows: {r.name.strip().casefold(): r.id for r in rows}  # noqa: E731
        self.trackers = by_name(db.session.scalars(select(Tracker).order_by(Tracker.position.desc())))
        self.default_tracker = db.session.scalar(select(Tracker.id).order_by(Tracker.position, Tracker.id).limit(1))
        self.statuses = by_name(db.session.scalars(select(IssueStatus)))
        self.priorities = by_name(db.session.scalars(select(IssuePriority)))
        self.categories = by_name(db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == wg.id)))
        self.versions = by_name(db.session.scalars(select(Version).where(Version.wg_id == wg.id)))
        self.people: dict[str, int] = {}
        for user in assignable_users(wg):
            for name in (user.login, user.name, user.name.replace(" ", "").replace("\u3000", ""), user.email):
                if name:
                    self.people.setdefault(name.strip().casefold(), user.id)
        self.custom = {f"cf_{c.id}": c for c in custom_fields_of(wg)}

    def column(self, key: str) -> str:
        index = self.mapping.get(key)
        return self.header[index] if index is not None and index < len(self.header) else ""

    def values(self, row: list[str]) -> tuple[dict, list[tuple[str, str]]]:
        """(values for create_ticket, [(column name, message)])."""
        cell = lambda key: row[self.mapping[key]].strip() if key in self.mapping and self.mapping[key] < len(row) else ""  # noqa: E731
        values: dict = {"subject": cell("subject"), "description": row[self.mapping["description"]]
                        if "description" in self.mapping else ""}
        problems: list[tuple[str, str]] = []

        def named(key: str, table: dict, target: str, message: str) -> None:
            text = cell(key)
            if not text:
                return
            found = table.get(text.casefold())
            if found is None:
                problems.append((self.column(key), message % {"value": text}))
            else:
                values[target] = found

        named("tracker", self.trackers, "tracker_id", _("There is no tracker named %(value)s."))
        values.setdefault("tracker_id", self.default_tracker)
        named("status", self.statuses, "status_id", _("There is no status named %(value)s."))
        named("priority", self.priorities, "priority_id", _("There is no priority named %(value)s."))
        named("category", self.categories, "category_id", _("This WG has no category named %(value)s."))
        named("fixed_version", self.versions, "fixed_version_id", _("This WG has no milestone named %(value)s."))
        named("assigned_to", self.people, "assigned_to_id",
              _("%(value)s is not an active member of the WG (give a login, a name or an e-mail address)."))
        for key in ("start_date", "due_date"):
            text = cell(key)
            if text:
                try:
                    values[key] = datetime.strptime(text, self.date_format).date().isoformat()
                except ValueError:
                    example = datetime(2026, 4, 1).strftime(self.date_format)
                    problems.append((self.column(key), _("%(value)s is not a date like %(example)s.", value=text, example=example)))
        hours = cell("estimated_hours")
        if hours:
            try:
                if Decimal(hours) < 0:
                    raise InvalidOperation
                values["estimated_hours"] = hours
            except InvalidOperation:
                problems.append((self.column("estimated_hours"), _("%(value)s is not a number of hours.", value=hours)))
        done = cell("done_ratio").rstrip("%").strip()
        if done:
            if done.isdigit() and 0 <= int(done) <= 100:
                values["done_ratio"] = int(done)
            else:
                problems.append((self.column("done_ratio"), _("%(value)s is not a progress between 0 and 100.", value=done)))
        parent = cell("parent").lstrip("#")
        if parent:
            if parent.isdigit():
                values["parent_id"] = int(parent)
            else:
                problems.append((self.column("parent"), _("%(value)s is not a ticket number.", value=parent)))
        private = cell("is_private").casefold()
        if "is_private" in self.mapping:
            if private in TRUE_WORDS:
                values["is_private"] = True
            elif private not in FALSE_WORDS:
                problems.append((self.column("is_private"), _("%(value)s is not yes or no.", value=cell("is_private"))))
        custom_values = {}
        for key, custom in self.custom.items():
            text = cell(key)
            if text:
                custom_values[str(custom.id)] = [v.strip() for v in text.split(",")] if custom.multiple else text
        if custom_values:
            values["custom_fields"] = custom_values
        if not values["subject"]:
            problems.append((self.column("subject"), _("The subject is required.")))
        return values, problems


def wgs_for_import(user) -> list[WorkingGroup]:
    """The WGs where ``user`` may create tickets (the import's possible targets)."""
    from tracker.wg import policy as wg_policy

    found = db.session.scalars(select(WorkingGroup).where(
        WorkingGroup.id.in_(wg_policy.ids_with_permission(user, "add_issues"))).order_by(func.lower(WorkingGroup.name)))
    return [wg for wg in found if wg.allows(user, "add_issues")]  # the one rule (a closed WG takes no tickets)
