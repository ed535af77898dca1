"""The query base that list pages share: Redmine's filter operators and the parsing of their parameters
(``operators``, ``params``), value checks, and sorting with NULLs last (``sort``). ``BaseQuery`` reads
``f[]/op[]/v[]`` or the short form (``status_id=o``, ``due_date=><2026-04-01|2026-06-30``) against a
feature's own filter definitions; the ticket list (``tracker.tickets.query``) is built on it."""
from tracker.core.query.base import BaseQuery  # noqa: F401
from tracker.core.query.operators import (  # noqa: F401
    DATE_OPS, LIST_OPS, NO_VALUE_OPS, NUMBER_OPS, OPERATORS, TEXT_OPS, Column, FilterDef, compare, date_range,
    escape_like, like_pattern,
)
from tracker.core.query.params import Params, as_int  # noqa: F401
from tracker.core.query.sort import nulls_last, read_sort  # noqa: F401
