"""The fiscal year's grid as an XLSX workbook (openpyxl), laid out as Gunma's sheets."""
from __future__ import annotations

from io import BytesIO


from tracker.core.exports import exported_list, xlsx_append
from tracker.core.translation import lazy_gettext as _l

QUARTERLY_REPORT = exported_list("quarterly", _l("Quarterly report exported"))


def workbook(title: str, rows: list[dict], labels: dict) -> bytes:
    from openpyxl import Workbook  # imported on use: a worker that never writes one does not load it
    from openpyxl.styles import Alignment, Font, PatternFill
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    xlsx_append(ws, [labels["wg"], labels["initiative"], "", "1Q", "2Q", "3Q", "4Q"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", fgColor="F2F2F2")
    for row in rows:
        q = row["quarters"]
        xlsx_append(ws, [row["wg"].name, row["initiative"], labels["target"], *[q[i].target if i in q else "" for i in range(1, 5)]])
        xlsx_append(ws, ["", "", labels["actual"], *[q[i].actual if i in q else "" for i in range(1, 5)]])
        for cell in ws[ws.max_row]:
            cell.fill = grey
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
    for column, width in zip("ABCDEFG", (28, 30, 6, 30, 30, 30, 30)):
        ws.column_dimensions[column].width = width
    ws.freeze_panes = "D2"
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
