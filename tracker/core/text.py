"""Line endings of text input: one form (LF) for everything the application stores and compares.

Browsers submit every ``<textarea>`` with CRLF line endings (the HTML form-submission rules), whatever
the page showed; API clients send LF or CRLF as their platform does. Stored as given, a ticket whose
description has line breaks looked changed on every save from the browser ("説明を更新" journaled,
watchers told) although the user only wrote a note.

So the request itself normalises its text: every form value and every string in a JSON body reaches
forms, views and services with LF only (``NormalizedRequest``, installed as the app's request class).
That is the one place all text input passes through; services need not remember to do it.
``same_text`` compares with text stored before this existed (CRLF), so old rows do not look changed.
"""
from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


def normalize_newlines(value):
    """``value`` with CRLF and lone CR turned into LF; anything that is not a string unchanged."""
    if isinstance(value, str) and "\r" in value:
        return value.replace("\r\n", "\n").replace("\r", "\n")
    return value


def same_text(old, new) -> bool:
    """Whether two texts are equal once their line endings are normalised."""
    return normalize_newlines(old) == normalize_newlines(new)


def normalized(data):
    """A JSON value with every string in it normalised (dict keys included)."""
    if isinstance(data, str):
        return normalize_newlines(data)
    if isinstance(data, list):
        return [normalized(item) for item in data]
    if isinstance(data, dict):
        return {normalized(key): normalized(value) for key, value in data.items()}
    return data


class NormalizedRequest(Request):
    """Flask's request whose form values and JSON strings have LF line endings only."""

    def _load_form_data(self) -> None:
        already = "form" in self.__dict__
        super()._load_form_data()
        form = self.__dict__.get("form")
        if already or form is None:
            return
        if any(isinstance(value, str) and "\r" in value for _key, value in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, normalize_newlines(value)) for key, value in form.items(multi=True)]
            )

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True):
        return normalized(super().get_json(force=force, silent=silent, cache=cache))
