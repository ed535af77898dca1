"""XLSX export of search results for HR (openpyxl), with exactly what the viewer may see."""
from __future__ import annotations

import io

from tracker.core.translation import gettext as _

from tracker.core.exports import exported_list, xlsx_append
from tracker.core.translation import lazy_gettext as _l
from tracker.core.i18n import format_day
from tracker.talent.presenters import profile_data


TALENT_SEARCH = exported_list("talent_search", _l("Talent search results exported"))


def results_workbook(results, viewer) -> bytes:
    from openpyxl import Workbook  # imported on use: a worker that never writes one does not load it
    from openpyxl.styles import Font
    book = Workbook()
    sheet = book.active
    sheet.title = _("Talent bank")
    xlsx_append(sheet, [_("Staff number"), _("Full name"), _("Department"), _("Section"), _("Job title"), _("Fit"), _("Why it matched"),
                  _("Skills"), _("Certifications"), _("Career history"), _("Availability")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for result in results:
        data = profile_data(result.profile, viewer)
        availability = data.get("availability")
        xlsx_append(sheet, [
            data.get("staff_number") or "", data["name"], data["department"] or "", data["section"] or "", data["job_title"] or "",
            round(result.score, 1), "\n".join(result.reasons),
            "\n".join(f"{s['name']} Lv{s['level']}" for s in data.get("skills", [])),
            "\n".join(f"{c['name']} {format_day(c['acquired_on'])}".strip() for c in data.get("certifications", [])),
            "\n".join(f"{c['section']} {format_day(c['started_on'])}〜{format_day(c['ended_on'])}" for c in data.get("career", [])),
            "" if availability is None else (f"{availability['time_share']}%" if availability["willing_to_help"] else "-"),
        ])
    for column, width in zip("ABCDEFGHIJK", (12, 16, 14, 16, 12, 8, 40, 30, 30, 40, 12)):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
