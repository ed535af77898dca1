"""Reading query parameters: a werkzeug MultiDict (``request.args``) or a plain dict of lists or strings (a
saved query) through one interface, and the short form of a filter (``o``, ``><2026-04-01|2026-06-30``)."""
from __future__ import annotations

from tracker.core.query.operators import FilterDef, NO_VALUE_OPS


class Params:
    def __init__(self, args):
        self.args = args

    def getlist(self, key: str) -> list:
        if hasattr(self.args, "getlist"):
            return self.args.getlist(key)
        if key not in self.args:
            return []
        value = self.args.get(key, [])
        return value if isinstance(value, list) else [value]

    def get(self, key: str, default=None):
        return (self.getlist(key) or [default])[0]


def as_int(value, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def parse_short(definition: FilterDef, raw: str) -> tuple[str, list[str]]:
    """The operator and values of a short-form filter (the API's ``status_id=o``, ``subject=~出張``)."""
    raw = raw.strip()
    if definition.kind == "status":
        aliases = {"open": "o", "closed": "c", "o": "o", "c": "c", "*": "*", "any": "*"}
        if raw in aliases:
            return aliases[raw], []
    if raw in ("none", "!*"):
        return "!*", []
    if raw == "*":
        return "*", []
    for op in sorted((o for o in definition.operators if o not in ("=",)), key=len, reverse=True):
        if op in NO_VALUE_OPS:
            if raw == op:
                return op, []
            continue
        if raw.startswith(op):
            return op, [v for v in raw[len(op):].split("|") if v != ""]
    return "=", [v for v in raw.split("|") if v != ""]


def per_page(raw, choices: tuple[int, ...]) -> int:
    """The page size asked for, or the nearest of ``choices``."""
    wanted = as_int(raw, choices[0])
    return wanted if wanted in choices else min(choices, key=lambda c: abs(c - wanted))
