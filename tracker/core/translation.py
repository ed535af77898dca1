"""The names every module imports its translation functions from.

There is one catalog (``tracker/translations``), so one English string has one Japanese wording everywhere.
Where one English word means two different things (a ticket's ステータス and a KPI's 状況, "Apply" as 適用 and
as 応募する), the string carries a gettext context: ``pgettext("progress", "Status")``. Contexts are kept for
real ambiguities only; the list is in the catalog (``msgctxt``).

These are Flask-Babel's own functions; the module exists so that a feature imports from one place and the
extraction keywords (``tracker.core.catalogs.KEYWORDS``) match what the code calls.
"""
from __future__ import annotations

from flask_babel import gettext, lazy_gettext, lazy_ngettext, lazy_pgettext, ngettext, npgettext, pgettext

__all__ = ["gettext", "lazy_gettext", "lazy_ngettext", "lazy_pgettext", "ngettext", "npgettext", "pgettext"]
