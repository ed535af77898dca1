"""A spreadsheet is sent while its rows are read (issue 18 point 3): the first bytes leave before the last row is
read, and the file put together from the pieces opens in openpyxl with its header, Japanese text, numbers and
dates, text that looks like a formula kept as text."""
from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

from openpyxl import load_workbook

from tracker.core.exports import xlsx_chunks


def test_the_first_bytes_leave_before_the_rows_are_read_and_the_file_opens():
    read = []

    def rows():
        for n in range(1, 3001):
            read.append(n)
            yield [n, f"窓口の待ち時間 {n}", date(2026, 4, 1), datetime(2026, 5, 1, 9, 30), 2.5, None, "=1+1"]

    chunks = xlsx_chunks("チケット", ["#", "題名", "期日", "更新日", "予定工数", "担当者", "備考"], rows(),
                         number_formats={2: "yyyy/mm/dd", 3: "yyyy/mm/dd hh:mm"}, widths={1: 50}, freeze="B2")
    first = next(chunks)
    assert first.startswith(b"PK") and read == []  # the workbook's frame is sent before any row is read
    data = first + b"".join(chunks)
    assert len(read) == 3000
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None

    book = load_workbook(io.BytesIO(data))
    sheet = book.active
    assert sheet.title == "チケット" and sheet.freeze_panes == "B2" and sheet.column_dimensions["B"].width == 50
    assert [c.value for c in sheet[1]] == ["#", "題名", "期日", "更新日", "予定工数", "担当者", "備考"]
    assert sheet["A1"].font.b
    assert sheet.max_row == 3001
    assert [c.value for c in sheet[3001]] == [3000, "窓口の待ち時間 3000", datetime(2026, 4, 1), datetime(2026, 5, 1, 9, 30),
                                              2.5, None, "=1+1"]
    assert sheet["C2"].number_format == "yyyy/mm/dd" and sheet["D2"].is_date
    formula = sheet["G2"]
    assert formula.data_type == "s" and formula.quotePrefix  # text, as Excel shows text typed after '


def test_characters_xml_cannot_hold_are_dropped_and_markup_is_text():
    data = b"".join(xlsx_chunks("一覧", ["題名"], [["<b>周知</b> & 連絡\x07"], ["  前後の空白  "]]))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet["A2"].value == "<b>周知</b> & 連絡" and sheet["A3"].value == "  前後の空白  "
