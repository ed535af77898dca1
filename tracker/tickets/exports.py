"""Ticket list exports from the query object: CSV (UTF-8 with BOM for Excel), XLSX (openpyxl) and Atom
(feedgen). Each takes the same TicketQuery that drives the HTML list."""
from __future__ import annotations


from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from tracker.core.translation import gettext as _, lazy_gettext as _l, lazy_pgettext as _lp

from tracker.core.exports import csv_chunks, exported_list, xlsx_row
from tracker.core.i18n import format_day, format_moment
from sqlalchemy import select

from tracker.extensions import db
from tracker.tickets.models import Ticket
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


class _Named:
    """What ``cell`` reads of a ticket's WG, tracker, status, author ...: its name (and str())."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        return self.name


class _Names:
    """Names by id of one reference table, read whole once (trackers, statuses, WGs ... are few) or, for
    people, as each batch needs them."""

    def __init__(self, model, whole: bool):
        self.model, self.names = model, {}
        if whole:
            self.names = {row.id: _Named(row.name) for row in db.session.execute(select(model.id, model.name))}

    def need(self, ids) -> None:
        missing = {i for i in ids if i is not None and i not in self.names}
        if missing:
            self.names.update({row.id: _Named(row.name) for row in
                               db.session.execute(select(self.model.id, self.model.name).where(self.model.id.in_(missing)))})

    def get(self, key):
        return None if key is None else self.names.get(key)


def iter_rows(query: TicketQuery, limit: int):
    """The query's tickets for a CSV or XLSX file, in its order, up to ``limit``: the same ids as
    ``iter_tickets`` (one cursor, ``BATCH`` at a time), but each batch read as plain rows of the ticket's
    columns, with names from small lookup tables, instead of ORM objects with nine joined references each
    (which made a worker spend most of an export building objects it drops at once)."""
    from types import SimpleNamespace

    from tracker.accounts.models import Section, User
    from tracker.tickets.models import CustomValue, IssueCategory, IssueStatus, Tracker, Version
    from tracker.wg.models import WorkingGroup
    from tracker.tickets.models import Enumeration

    names = {"wg": _Names(WorkingGroup, True), "tracker": _Names(Tracker, True), "status": _Names(IssueStatus, True),
             "priority": _Names(Enumeration, True), "category": _Names(IssueCategory, True),
             "fixed_version": _Names(Version, True), "assigned_section": _Names(Section, True)}
    users = _Names(User, False)
    columns = [c for c in Ticket.__table__.c]
    wants_cf = any(c.startswith("cf_") for c in query.columns)
    stmt = query.ids_statement().limit(limit).execution_options(yield_per=BATCH)
    for ids in db.session.scalars(stmt).partitions():
        ids = list(ids)
        rows = {row.id: row for row in db.session.execute(select(*columns).where(Ticket.id.in_(ids)))}
        users.need([r.author_id for r in rows.values()] + [r.assigned_to_id for r in rows.values()])
        values: dict[int, list] = {}
        if wants_cf:
            for cv in db.session.scalars(select(CustomValue).where(CustomValue.ticket_id.in_(ids)).order_by(CustomValue.id)):
                values.setdefault(cv.ticket_id, []).append(cv)
        batch = []
        for ticket_id in ids:
            row = rows.get(ticket_id)
            if row is None:
                continue
            ticket = SimpleNamespace(**row._mapping)
            ticket.wg = names["wg"].get(row.wg_id)
            ticket.tracker = names["tracker"].get(row.tracker_id)
            ticket.status = names["status"].get(row.status_id)
            ticket.priority = names["priority"].get(row.priority_id)
            ticket.category = names["category"].get(row.category_id)
            ticket.fixed_version = names["fixed_version"].get(row.fixed_version_id)
            ticket.author = users.get(row.author_id)
            ticket.assignee = users.get(row.assigned_to_id) or names["assigned_section"].get(row.assigned_section_id)
            ticket.custom_values = values.get(ticket_id, [])
            batch.append(ticket)
        if "parent" in query.columns:
            from tracker.tickets.policy import mark_visible_parents

            mark_visible_parents(batch, query.user)
        if "spent_hours" in query.columns:
            from tracker.tickets.timelog import spent_hours

            spent = spent_hours(ids)
            for ticket in batch:
                ticket.spent_hours = spent.get(ticket.id, Decimal(0))
        yield from batch


def csv_rows(query: TicketQuery, with_description: bool = False, limit: int | None = None):
    head = headers(query)
    if with_description:
        head.append(str(DESCRIPTION_HEADER))
    yield head
    fields = {f.id: f for f in query.custom_fields()}
    for ticket in iter_rows(query, exported_rows(query) if limit is None else limit):
        row = [ticket.id] + [cell(ticket, c, fields=fields) for c in query.columns]
        if with_description:
            row.append(ticket.description)
        yield row


def csv_stream(query: TicketQuery, with_description: bool = False, codec: str = "utf-8-sig", limit: int | None = None):
    """The CSV file in encoded pieces (``tracker.core.exports.csv_chunks``): the header goes out at once."""
    return csv_chunks(csv_rows(query, with_description, limit), codec)


def to_csv(query: TicketQuery, with_description: bool = False, codec: str = "utf-8-sig") -> bytes:
    return b"".join(csv_stream(query, with_description, codec))


DATE_FORMATS = {"start_date": "yyyy/mm/dd", "due_date": "yyyy/mm/dd", "created_on": "yyyy/mm/dd hh:mm",
                "updated_on": "yyyy/mm/dd hh:mm", "closed_on": "yyyy/mm/dd hh:mm"}


def xlsx_stream(query: TicketQuery, limit: int | None = None, chunk_size: int = 64 * 1024):
    """The workbook, built in openpyxl's write-only mode (each row goes to a temporary file as it is
    appended, so memory stays flat), then sent in pieces from a spooled file."""
    import tempfile

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(_("Tickets")[:31])
    for index, column in enumerate(query.columns, start=2):
        from openpyxl.utils import get_column_letter

        sheet.column_dimensions[get_column_letter(index)].width = 50 if column == "subject" else 16
    sheet.freeze_panes = "B2"
    head = xlsx_row(sheet, headers(query))
    for item in head:
        item.font = Font(bold=True)
    sheet.append(head)
    formats = {index: DATE_FORMATS[c] for index, c in enumerate(query.columns, start=1) if c in DATE_FORMATS}
    fields = {f.id: f for f in query.custom_fields()}
    for ticket in iter_rows(query, exported_rows(query) if limit is None else limit):
        sheet.append(xlsx_row(sheet, [ticket.id] + [cell(ticket, c, for_sheet=True, fields=fields) for c in query.columns],
                              formats))
    with tempfile.SpooledTemporaryFile(max_size=4 * 1024 * 1024) as out:
        book.save(out)
        out.seek(0)
        while piece := out.read(chunk_size):
            yield piece


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
