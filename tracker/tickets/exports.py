"""Ticket list exports from the query object: CSV (UTF-8 with BOM for Excel), XLSX (openpyxl) and Atom
(feedgen). Each takes the same TicketQuery that drives the HTML list."""
from __future__ import annotations


from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from tracker.core.translation import gettext as _, lazy_gettext as _l, lazy_pgettext as _lp

from tracker.core.exports import csv_chunks, exported_list, xlsx_chunks
from tracker.core.i18n import format_day, format_moment
from sqlalchemy import select

from tracker.extensions import db
from tracker.tickets.models import CustomValue, Enumeration, IssueCategory, IssueStatus, Ticket, Tracker, Version
from tracker.wg.models import WorkingGroup
from tracker.tickets.fields import customfields
from tracker.tickets.query import TicketQuery

TICKET_LIST = exported_list("tickets", _l("Ticket list exported"))
BATCH = 1000  # tickets read per query while an export streams

# The column names of Redmine's issues CSV (its locales' field labels: "#", "トラッカー", "ステータス", ... in
# Japanese), so a script or macro written for Redmine's CSV finds its columns here. One exception: "Private" reads
# 非公開 as everywhere in this app's Japanese (Redmine's ja.yml says プライベート).
REDMINE_HEADERS = {
    "project": _lp("Redmine CSV", "Project"), "tracker": _lp("Redmine CSV", "Tracker"),
    "parent": _lp("Redmine CSV", "Parent task"), "status": _lp("Redmine CSV", "Status"),
    "priority": _lp("Redmine CSV", "Priority"), "subject": _lp("Redmine CSV", "Subject"),
    "author": _lp("Redmine CSV", "Author"), "assigned_to": _lp("Redmine CSV", "Assignee"),
    "category": _lp("Redmine CSV", "Category"), "fixed_version": _lp("Redmine CSV", "Target version"),
    "start_date": _lp("Redmine CSV", "Start date"), "due_date": _lp("Redmine CSV", "Due date"),
    "estimated_hours": _lp("Redmine CSV", "Estimated time"), "spent_hours": _lp("Redmine CSV", "Spent time"),
    "done_ratio": _lp("Redmine CSV", "% Done"), "is_private": _lp("Redmine CSV", "Private"),
    "created_on": _lp("Redmine CSV", "Created"), "updated_on": _lp("Redmine CSV", "Updated"),
    "closed_on": _lp("Redmine CSV", "Closed"),
}
DESCRIPTION_HEADER = _lp("Redmine CSV", "Description")


def row_limit() -> int:
    """Rows of one export (``TRACKER_EXPORT_ROW_LIMIT``; Redmine's issues_export_limit)."""
    return max(1, int(current_app.config.get("EXPORT_ROW_LIMIT", 100_000)))


def exported_rows(query: TicketQuery) -> int:
    """How many tickets an export writes: the query's (cached) count, up to the limit."""
    return min(query.count(), row_limit())


def cell(ticket, column: str, for_sheet: bool = False, fields: dict | None = None):
    """The value of one list column of a ticket (text for CSV/HTML, typed values for spreadsheets)."""
    if column.startswith("cf_"):
        field = (fields or {}).get(int(column[3:]))
        if field is None:
            return ""
        values = [cv.value for cv in ticket.custom_values if cv.custom_field_id == field.id and cv.value]
        return customfields.display(field, values)
    value = {
        "project": lambda t: t.wg.name,
        "tracker": lambda t: t.tracker.name,
        # a hidden parent is not named (the list marks which parents the user may see)
        "parent": lambda t: f"#{t.shown_parent_id}" if getattr(t, "shown_parent_id", None) else "",
        "status": lambda t: t.status.name,
        "priority": lambda t: t.priority.name,
        "subject": lambda t: t.subject,
        "author": lambda t: t.author.name,
        "assigned_to": lambda t: str(t.assignee) if t.assignee else "",
        "category": lambda t: t.category.name if t.category else "",
        "fixed_version": lambda t: t.fixed_version.name if t.fixed_version else "",
        "start_date": lambda t: t.start_date,
        "due_date": lambda t: t.due_date,
        "estimated_hours": lambda t: t.estimated_hours,
        "spent_hours": lambda t: getattr(t, "spent_hours", None),
        "done_ratio": lambda t: t.done_ratio,
        "is_private": lambda t: _("Yes") if t.is_private else _("No"),
        "created_on": lambda t: t.created_at,
        "updated_on": lambda t: t.updated_at,
        "closed_on": lambda t: t.closed_on,
    }[column](ticket)
    if for_sheet:
        if isinstance(value, Decimal):
            return float(value)
        if isinstance(value, datetime):
            from flask_babel import to_user_timezone

            return to_user_timezone(value).replace(tzinfo=None)
        return value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return format_day(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def headers(query: TicketQuery) -> list[str]:
    columns = query.available_columns()
    return ["#"] + [str(REDMINE_HEADERS[c]) if c in REDMINE_HEADERS else str(columns[c].label) for c in query.columns]


def iter_tickets(query: TicketQuery, limit: int):
    """The query's tickets in its order, up to ``limit``, read ``BATCH`` at a time: the ids come from one
    cursor (``yield_per``: a server-side cursor on PostgreSQL), each batch is loaded with what the columns
    show and dropped once written (the session holds unchanged objects weakly)."""
    stmt = query.ids_statement().limit(limit).execution_options(yield_per=BATCH)
    for ids in db.session.scalars(stmt).partitions():
        yield from query.load(list(ids))


# What a reference column shows: the name of the row that the ticket's column points at.
_NAMED = {"project": "wg_id", "tracker": "tracker_id", "status": "status_id", "priority": "priority_id",
          "category": "category_id", "fixed_version": "fixed_version_id"}
_DAYS = {"start_date": "start_date", "due_date": "due_date"}
_MOMENTS = {"created_on": "created_at", "updated_on": "updated_at", "closed_on": "closed_on"}


def _names(model, ids=None) -> dict:
    stmt = select(model.id, model.name)
    if ids is not None:
        stmt = stmt.where(model.id.in_(ids))
    return {row_id: name for row_id, name in db.session.execute(stmt)}


def _hours(value: Decimal) -> str:
    return format(value.normalize(), "f")


class TicketRows:
    """The rows of a CSV or XLSX file of ``query``: ``[id, one value per column, (description)]``, in the list's
    order, up to ``limit``, as ``cell`` gives them (text for CSV; for a sheet, numbers, dates and times in the
    user's timezone) but without ORM tickets.

    One cursor reads only the ticket columns that the chosen columns need, as plain tuples (``yield_per``: a
    server-side cursor on PostgreSQL), ``BATCH`` rows at a time. The names of WGs, trackers, statuses, priorities,
    categories, versions and sections are read once per export (they are few), people's names as a batch needs
    them; custom values, visible parents and spent time per batch. Each column is a small function of the row,
    chosen once, and dates are formatted through ``Formats`` (each day's text once)."""

    def __init__(self, query: TicketQuery, limit: int, *, for_sheet: bool = False, with_description: bool = False):
        from tracker.core.i18n import Formats

        self.query, self.limit, self.for_sheet = query, limit, for_sheet
        self.formats = Formats()
        self._read = [Ticket.id]
        self._users: dict[int, str] = {}
        self._user_columns: list[int] = []  # indexes of the columns that hold user ids
        self._values: dict[tuple[int, int], list[str]] = {}  # (ticket id, field id) -> values of this batch
        self._spent: dict[int, Decimal] = {}
        self._shown_parents: set[int] = set()
        self._parent_index: int | None = None
        self._value_fields: dict[int, object] = {}
        self._user_fields: set[int] = set()
        fields = {f.id: f for f in query.custom_fields()}
        self.cells = [self._column(column, fields) for column in query.columns]
        if with_description:
            index = self._index("description")
            self.cells.append(lambda row: row[index])

    def _index(self, name: str) -> int:
        column = getattr(Ticket, name)
        if column not in self._read:
            self._read.append(column)
        return self._read.index(column)

    def _column(self, column: str, fields: dict):
        """The function of a row that gives ``column``'s value."""
        sheet = self.for_sheet
        if column in _NAMED:
            index = self._index(_NAMED[column])
            model = {"project": WorkingGroup, "tracker": Tracker, "status": IssueStatus, "priority": Enumeration,
                     "category": IssueCategory, "fixed_version": Version}[column]
            names = _names(model)
            return lambda row: names.get(row[index], "")
        if column in ("author", "assigned_to"):
            users = self._users
            if column == "author":
                index = self._index("author_id")
                self._user_columns.append(index)
                return lambda row: users.get(row[index], "")
            index, section = self._index("assigned_to_id"), self._index("assigned_section_id")
            self._user_columns.append(index)
            from tracker.accounts.models import Section

            sections = _names(Section)
            return lambda row: users.get(row[index]) or sections.get(row[section], "")
        if column == "parent":
            index = self._parent_index = self._index("parent_id")
            shown = self._shown_parents
            return lambda row: f"#{row[index]}" if row[index] in shown else ""
        if column == "subject":
            index = self._index("subject")
            return lambda row: row[index] or ""
        if column in _DAYS:
            index = self._index(_DAYS[column])
            if sheet:
                return lambda row: row[index]
            day = self.formats.day
            return lambda row: day(row[index])
        if column in _MOMENTS:
            index = self._index(_MOMENTS[column])
            if sheet:
                local = self.formats.local
                return lambda row: None if row[index] is None else local(row[index]).replace(tzinfo=None)
            moment = self.formats.moment
            return lambda row: moment(row[index])
        if column == "estimated_hours":
            index = self._index("estimated_hours")
            if sheet:
                return lambda row: None if row[index] is None else float(row[index])
            return lambda row: "" if row[index] is None else _hours(row[index])
        if column == "spent_hours":
            spent, zero = self._spent, Decimal(0)
            if sheet:
                return lambda row: float(spent.get(row[0], zero))
            return lambda row: _hours(spent.get(row[0], zero))
        if column == "done_ratio":
            index = self._index("done_ratio")
            if sheet:
                return lambda row: row[index]
            return lambda row: "" if row[index] is None else str(row[index])
        if column == "is_private":
            index = self._index("is_private")
            yes, no = _("Yes"), _("No")
            return lambda row: yes if row[index] else no
        if column.startswith("cf_"):
            field = fields.get(int(column[3:]))
            if field is None:
                return lambda row: ""
            self._value_fields[field.id] = field
            if field.field_format == "user":
                self._user_fields.add(field.id)
            values, users, field_id, is_user = self._values, self._users, field.id, field.field_format == "user"
            named = {}  # display() reads users' .name

            def custom(row):
                found = values.get((row[0], field_id))
                if not found:
                    return ""
                if is_user:
                    named.update({int(v): _Named(users[int(v)]) for v in found if v.isdigit() and int(v) in users})
                return customfields.display(field, found, users=named)
            return custom
        raise KeyError(column)

    def _prepare(self, rows: list) -> None:
        """Read what this batch's rows need beyond their own columns."""
        ids = [row[0] for row in rows]
        wanted = set()
        for index in self._user_columns:
            wanted.update(row[index] for row in rows)
        self._values.clear()
        if self._value_fields:
            stmt = (select(CustomValue.ticket_id, CustomValue.custom_field_id, CustomValue.value)
                    .where(CustomValue.ticket_id.in_(ids), CustomValue.custom_field_id.in_(list(self._value_fields)))
                    .order_by(CustomValue.id))
            for ticket_id, field_id, value in db.session.execute(stmt):
                if value:
                    self._values.setdefault((ticket_id, field_id), []).append(value)
                    if field_id in self._user_fields and value.isdigit():
                        wanted.add(int(value))
        wanted.discard(None)
        missing = wanted - self._users.keys()
        if missing:
            from tracker.accounts.models import User

            self._users.update(_names(User, list(missing)))
        if self._parent_index is not None:
            from tracker.tickets.policy import visible_among

            index = self._parent_index
            self._shown_parents.clear()
            self._shown_parents.update(visible_among({row[index] for row in rows if row[index]}, self.query.user))
        if "spent_hours" in self.query.columns:
            from tracker.tickets.timelog import spent_hours

            self._spent.clear()
            self._spent.update(spent_hours(ids))

    def __iter__(self):
        stmt = (self.query.ids_statement().with_only_columns(*self._read).limit(self.limit)
                .execution_options(yield_per=BATCH))
        cells = self.cells
        # on the session's connection, without the ORM's result machinery (plain rows are all that is read)
        for rows in db.session.connection().execute(stmt).partitions():
            self._prepare(rows)
            for row in rows:
                yield [row[0], *[value(row) for value in cells]]


class _Named:
    """A user's name where ``customfields.display`` reads ``user.name``."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name


def csv_rows(query: TicketQuery, with_description: bool = False, limit: int | None = None):
    head = headers(query)
    if with_description:
        head.append(str(DESCRIPTION_HEADER))
    yield head
    yield from TicketRows(query, exported_rows(query) if limit is None else limit, with_description=with_description)


def csv_stream(query: TicketQuery, with_description: bool = False, codec: str = "utf-8-sig", limit: int | None = None):
    """The CSV file in encoded pieces (``tracker.core.exports.csv_chunks``): the header goes out at once."""
    return csv_chunks(csv_rows(query, with_description, limit), codec)


def to_csv(query: TicketQuery, with_description: bool = False, codec: str = "utf-8-sig") -> bytes:
    return b"".join(csv_stream(query, with_description, codec))


DATE_FORMATS = {"start_date": "yyyy/mm/dd", "due_date": "yyyy/mm/dd", "created_on": "yyyy/mm/dd hh:mm",
                "updated_on": "yyyy/mm/dd hh:mm", "closed_on": "yyyy/mm/dd hh:mm"}


def xlsx_stream(query: TicketQuery, limit: int | None = None):
    """The workbook, streamed (``tracker.core.exports.xlsx_chunks``): its first bytes go out at once, the rows as
    they are read; memory stays flat whatever the number of tickets."""
    formats = {index: DATE_FORMATS[c] for index, c in enumerate(query.columns, start=1) if c in DATE_FORMATS}
    widths = {index: 50 if column == "subject" else 16 for index, column in enumerate(query.columns, start=1)}
    rows = TicketRows(query, exported_rows(query) if limit is None else limit, for_sheet=True)
    return xlsx_chunks(_("Tickets"), headers(query), rows, number_formats=formats, widths=widths, freeze="B2")


def to_xlsx(query: TicketQuery) -> bytes:
    return b"".join(xlsx_stream(query))


def atom_chunks(title: str, url: str, entries, feed_id: str):
    """An Atom feed (RFC 4287) written entry by entry, for a streamed response. ``entries`` (an iterable of
    dicts with id, title, url, updated (datetime), author, content (HTML)) is read once, in its order; the
    feed's own <updated> (the newest entry's) follows them, as Atom does not order a feed's elements."""
    from io import StringIO
    from xml.sax.saxutils import XMLGenerator

    from tracker.core.db import utcnow

    base = current_app.config["BASE_URL"].rstrip("/")
    out = StringIO()
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def element(name, text=None, attrs=None):
        xml.startElement(name, attrs or {})
        if text is not None:
            xml.characters(text)
        xml.endElement(name)

    def flush() -> bytes:
        piece = out.getvalue().encode("utf-8")
        out.seek(0)
        out.truncate()
        return piece

    def moment(value: datetime) -> str:
        if value.tzinfo is None:
            from datetime import timezone

            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat()

    xml.startDocument()
    xml.startElement("feed", {"xmlns": "http://www.w3.org/2005/Atom", "xml:lang": "ja"})
    element("id", base + feed_id)
    element("title", title)
    element("link", attrs={"href": base + url, "rel": "alternate"})
    yield flush()
    latest = None
    for entry in entries:
        latest = entry["updated"] if latest is None or entry["updated"] > latest else latest
        xml.startElement("entry", {})
        element("id", base + entry["id"])
        element("title", entry["title"])
        element("updated", moment(entry["updated"]))
        if entry.get("author"):
            xml.startElement("author", {})
            element("name", entry["author"])
            xml.endElement("author")
        if entry.get("content"):
            element("content", str(entry["content"]), {"type": "html"})
        element("link", attrs={"href": base + entry["url"]})
        xml.endElement("entry")
        yield flush()
    element("updated", moment(latest or utcnow()))
    xml.endElement("feed")
    xml.endDocument()
    yield flush()


def to_atom(title: str, url: str, entries, feed_id: str) -> bytes:
    return b"".join(atom_chunks(title, url, entries, feed_id))


def ticket_entries(tickets):
    """Atom entries of ``tickets`` (any iterable: a list, or ``iter_tickets`` while a feed streams)."""
    from tracker.core.markdown import render

    for t in tickets:
        yield {
            "id": f"/issues/{t.id}", "title": f"{t.tracker.name} #{t.id} ({t.status.name}): {t.subject}",
            "url": f"/issues/{t.id}", "updated": t.updated_at, "author": t.author.name, "content": render(t.description),
        }
