"""``BaseQuery``: filters read from parameters and checked, and the sort, for any list of a feature.

A feature's query sets ``filters``, ``sort`` and ``errors`` (a dataclass does), defines ``filter_defs()``
(name → ``FilterDef``) and ``SORT_KEYS``, and checks the values of its own kinds of filter (a list of ids,
users ...) in ``check_lookup``; dates, numbers and yes/no are checked here."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from tracker.core.query import sort as sorting
from tracker.core.query.operators import NO_VALUE_OPS, FilterDef
from tracker.core.query.params import Params, parse_short
from tracker.core.translation import gettext as _


class BaseQuery:
    SORT_KEYS: dict = {}
    filters: dict[str, tuple[str, list[str]]]
    sort: list[tuple[str, bool]]
    errors: list[str]

    def filter_defs(self) -> dict[str, FilterDef]:
        raise NotImplementedError

    def check_lookup(self, definition: FilterDef, op: str, values: list[str]) -> str | None:
        """The problem with the values of a filter of the feature's own kind, or None."""
        return None

    def short_value(self, params: Params, name: str):
        """The short-form value of filter ``name`` (a feature may accept an older name too)."""
        return params.get(name)

    # -- reading --------------------------------------------------------------------------------------

    def read_filters(self, params: Params) -> bool:
        """Read the filters, in the filter form's style (``f[]``, ``op[name]``, ``v[name][]``) or the short
        one; returns whether the form's style was used."""
        defs = self.filter_defs()
        fields = params.getlist("f[]") or params.getlist("f")
        if fields:
            for name in fields:
                if not name:
                    continue
                if name not in defs:
                    self.errors.append(_("Unknown filter: %(name)s", name=name))
                    continue
                op = params.get(f"op[{name}]", "=")
                values = [v for v in (params.getlist(f"v[{name}][]") or params.getlist(f"v[{name}]")) if v != ""]
                self.add_filter(name, op, values)
            return True
        for name, definition in defs.items():
            raw = self.short_value(params, name)
            if raw is None or raw == "":
                continue
            op, values = parse_short(definition, str(raw))
            self.add_filter(name, op, values)
        return False

    def read_sort(self, raw: str | None) -> None:
        sort, problems = sorting.read_sort(raw, self.SORT_KEYS)
        self.errors += problems
        if sort:
            self.sort = sort

    def sort_param(self) -> str:
        return ",".join(f"{key}:desc" if desc else key for key, desc in self.sort)

    # -- checking -------------------------------------------------------------------------------------

    def add_filter(self, name: str, op: str, values: list[str]) -> None:
        definition = self.filter_defs()[name]
        label = str(definition.label)
        if op not in definition.operators:
            self.errors.append(_("Unknown operator for the filter %(name)s.", name=label))
            return
        if op in NO_VALUE_OPS:
            self.filters[name] = (op, [])
            return
        if not values:
            self.errors.append(_("The filter %(name)s needs a value.", name=label))
            return
        problem = self.check_values(definition, op, values)
        if problem:
            self.errors.append(problem)
            return
        self.filters[name] = (op, values)

    def check_values(self, definition: FilterDef, op: str, values: list[str]) -> str | None:
        label = str(definition.label)
        bad = _("Unknown value for the filter %(name)s: %(value)s", name=label, value=", ".join(values))
        if definition.kind == "date":
            if op in ("<t+", ">t-"):
                return None if values[0].isdigit() else bad
            try:
                parsed = [date.fromisoformat(v) for v in values]
            except ValueError:
                return bad
            if op == "><" and len(parsed) != 2:
                return _("The filter %(name)s needs two dates.", name=label)
            return None
        if definition.kind == "number":
            try:
                [Decimal(v) for v in values]
            except (InvalidOperation, ValueError):
                return bad
            if op == "><" and len(values) != 2:
                return _("The filter %(name)s needs two numbers.", name=label)
            return None
        if definition.kind == "bool":
            return None if values[0] in ("0", "1") else bad
        if definition.kind == "text":
            return None
        return self.check_lookup(definition, op, values)
