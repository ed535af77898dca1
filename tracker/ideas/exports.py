"""The committee's list of posts (with the filters of the page) as an XLSX workbook (openpyxl)."""
from __future__ import annotations

from io import BytesIO

from tracker.core.translation import gettext as _, pgettext

from tracker.core.exports import exported_list, xlsx_append
from tracker.core.translation import lazy_gettext as _l
from tracker.ideas.models import Idea


IDEA_LIST = exported_list("ideas", _l("Idea list exported"))


def ideas_workbook(ideas: list[Idea], viewer) -> BytesIO:
    from openpyxl import Workbook  # imported on use: a worker that never writes one does not load it
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Idea box")
    headers = [_("No."), _("Kind"), _("Title"), _("Category"), _("Section that owns the process"), pgettext("idea", "Author"),
               _("State"), _("Votes"), _("Comments"), _("Answer due"), _("Official answer"), _("Posted"), _("WG")]
    xlsx_append(sheet, headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for idea in ideas:
        xlsx_append(sheet, [
            idea.id, str(idea.kind_label), idea.title, str(idea.category_label),
            idea.section.full_name if idea.section else "", idea.author_name_for(viewer), str(idea.state_label),
            idea.vote_count, idea.comment_count, idea.answer_due, idea.answer or "",
            idea.created_at.replace(tzinfo=None), idea.wg.name if idea.wg else "",
        ])
    widths = [6, 10, 40, 16, 24, 14, 12, 8, 8, 12, 50, 18, 24]
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        row[10].alignment = Alignment(wrap_text=True, vertical="top")
        row[9].number_format = "yyyy-mm-dd"
        row[11].number_format = "yyyy-mm-dd hh:mm"
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    stream = BytesIO()
    workbook.save(stream)
    stream.seek(0)
    return stream
