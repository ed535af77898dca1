"""Ticket list exports from the query object: CSV (UTF-8 with BOM for Excel), XLSX (openpyxl) and Atom
(feedgen). Each takes the same TicketQuery that drives the HTML list."""
from __future__ import annotations


import io
from datetime import date, datetime
from decimal import Decimal

from flask import current_app
from tracker.core.translation import gettext as _, lazy_gettext as _l

from tracker.core.exports import csv_writer, exported_list, xlsx_append
from tracker.core.i18n import format_day, format_moment
from tracker.tickets.fields import customfields
from tracker.tickets.query import TicketQuery

EXPORT_LIMIT = 10000  # rows per export, as Redmine's issues_export_limit
TICKET_LIST = exported_list("tickets", _l("Ticket list exported"))


def exported_rows(query: TicketQuery) -> int:
    """How many tickets ``to_csv``/``to_xlsx`` write: the query's (cached) count, up to the limit."""
    return min(query.count(), EXPORT_LIMIT)


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


def _rows(query: TicketQuery):
    tickets = query.results(offset=0, limit=exported_rows(query) or 1)
    fields = {f.id: f for f in query.custom_fields()}
    columns = query.available_columns()
    headers = ["#"] + [str(columns[c].label) for c in query.columns]
    return headers, tickets, fields


def to_csv(query: TicketQuery, with_description: bool = False) -> bytes:
    headers, tickets, fields = _rows(query)
    if with_description:
        headers.append(_("Description"))
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(headers)
    for ticket in tickets:
        row = [ticket.id] + [cell(ticket, c, fields=fields) for c in query.columns]
        if with_description:
            row.append(ticket.description)
        writer.writerow(row)
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read Japanese correctly


def to_xlsx(query: TicketQuery) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    headers, tickets, fields = _rows(query)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Tickets")[:31]
    xlsx_append(sheet, headers)
    for cell_ in sheet[1]:
        cell_.font = Font(bold=True)
    for ticket in tickets:
        xlsx_append(sheet, [ticket.id] + [cell(ticket, c, for_sheet=True, fields=fields) for c in query.columns])
    for index, column in enumerate(query.columns, start=2):
        letter = sheet.cell(row=1, column=index).column_letter
        if column in ("start_date", "due_date"):
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].number_format = "yyyy/mm/dd"
        elif column in ("created_on", "updated_on", "closed_on"):
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].number_format = "yyyy/mm/dd hh:mm"
        sheet.column_dimensions[letter].width = 50 if column == "subject" else 16
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_atom(title: str, url: str, entries: list[dict], feed_id: str) -> bytes:
    """``entries``: dicts with id, title, url, updated (datetime), author, content (HTML)."""
    from feedgen.feed import FeedGenerator

    base = current_app.config["BASE_URL"].rstrip("/")
    feed = FeedGenerator()
    feed.id(base + feed_id)
    feed.title(title)
    feed.link(href=base + url, rel="alternate")
    feed.language("ja")
    latest = max((e["updated"] for e in entries), default=None)
    from tracker.core.db import utcnow

    feed.updated(latest or utcnow())
    for entry in reversed(entries):
        item = feed.add_entry()
        item.id(base + entry["id"])
        item.title(entry["title"])
        item.link(href=base + entry["url"])
        item.updated(entry["updated"])
        if entry.get("author"):
            item.author(name=entry["author"])
        if entry.get("content"):
            item.content(str(entry["content"]), type="html")
    return feed.atom_str(pretty=True)


def ticket_entries(tickets) -> list[dict]:
    from tracker.core.markdown import render

    return [
        {
            "id": f"/issues/{t.id}", "title": f"{t.tracker.name} #{t.id} ({t.status.name}): {t.subject}",
            "url": f"/issues/{t.id}", "updated": t.updated_at, "author": t.author.name, "content": render(t.description),
        }
        for t in tickets
    ]
