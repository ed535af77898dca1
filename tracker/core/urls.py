"""URL helpers for templates. ``safe_next_url`` is kept for callers of the first wave; the rule itself lives in
``tracker.core.requests.safe_path``."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import request
from werkzeug.datastructures import MultiDict

from tracker.core.requests import safe_path as safe_next_url  # noqa: F401


def query_with(**changes) -> str:
    """This page's query string with some parameters replaced (``None`` drops one): for pagination links that keep
    every filter the user chose."""
    args = MultiDict(request.args)
    for key, value in changes.items():
        args.pop(key, None)
        if value is not None:
            args[key] = value
    return "?" + urlencode(list(args.items(multi=True)))
