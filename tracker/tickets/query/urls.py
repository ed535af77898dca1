"""Short list URLs: a ticket query written back as Redmine's parameters, with only what differs from the
default list. Each filter takes Redmine's short form (``status_id=o``, ``assigned_to_id=me``,
``due_date=><2026-04-01|2026-06-30``); when one value cannot be written that way (a subject holding ``|``)
the whole query falls back to the filter form's ``f[]=…&op[…]=…&v[…][]=…``. Either way ``set_filter=1``
comes first, as Redmine wants it."""
from __future__ import annotations

from urllib.parse import urlencode

from tracker.core.query.operators import NO_VALUE_OPS
from tracker.core.query.params import parse_short
from tracker.tickets.query.definitions import DEFAULT_COLUMNS

DEFAULT_SORT = [("id", True)]


def short_value(op: str, values: list[str]) -> str:
    if op in NO_VALUE_OPS:
        return op
    joined = "|".join(values)
    return joined if op == "=" else op + joined


def filter_params(query, filters: dict) -> list[tuple[str, str]]:
    defs = query.filter_defs()
    short = []
    for name, (op, values) in filters.items():
        text = short_value(op, values)
        if parse_short(defs[name], text) != (op, list(values)):
            break  # this one would read back differently: use the long form for all
        short.append((name, text))
    else:
        return short
    params = []
    for name, (op, values) in filters.items():
        params += [("f[]", name), (f"op[{name}]", op)] + [(f"v[{name}][]", v) for v in values]
    return params


def sort_value(sort: list[tuple[str, bool]]) -> str:
    return ",".join(f"{key}:desc" if desc else key for key, desc in sort)


def short_params(query, filters: dict | None = None, sort: list | None = None, page: int | None = None) -> list[tuple[str, str]]:
    """The parameters of ``query`` (or of it with other ``filters`` / ``sort``), defaults left out."""
    filters = query.filters if filters is None else filters
    sort = query.sort if sort is None else sort
    params = [("set_filter", "1")] + filter_params(query, filters)
    if sort != DEFAULT_SORT:
        params.append(("sort", sort_value(sort)))
    if query.group_by:
        params.append(("group_by", query.group_by))
    default_columns = [c for c in DEFAULT_COLUMNS if not (query.wg is not None and c == "project")]
    if query.columns != default_columns:
        params += [("c[]", c) for c in query.columns]
    if query.per_page != 25:
        params.append(("per_page", str(query.per_page)))
    if page and page > 1:
        params.append(("page", str(page)))
    return params


def query_string(query, **changes) -> str:
    """``?set_filter=1&…`` for ``query`` with ``changes`` (filters=, sort=, page=)."""
    return "?" + urlencode(short_params(query, **changes))


def with_filter(query, name: str, op: str | None, values: list[str] | None = None) -> str:
    """The query string with filter ``name`` set to ``op``/``values``, or removed when ``op`` is None."""
    filters = dict(query.filters)
    filters.pop(name, None)
    if op is not None:
        filters[name] = (op, list(values or []))
    return query_string(query, filters=filters)


def sorted_by(query, key: str) -> str:
    """The query string for a click on column ``key``'s header: ascending first, then the other way."""
    first = query.sort[0] if query.sort else None
    descending = first == (key, False)
    return query_string(query, sort=[(key, descending)])
