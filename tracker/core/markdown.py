"""Markdown for user text: rendered with the ``markdown`` package, then sanitised by nh3 (Ammonia).

Features add reference links (``#123`` tickets, ``@login`` mentions) by registering a function that takes
the rendered HTML and returns HTML; sanitising always runs last, so nothing a linker or a user writes can
add script, event handlers or ``javascript:`` URLs.
"""
from __future__ import annotations

import sys
import threading
from typing import Callable

import markdown as _markdown
import nh3
from markupsafe import Markup


def _load_codehilite_without_pygments() -> None:
    """Import ``codehilite`` with Pygments kept out, before "extra" loads ``fenced_code``, which imports it. It
    imports Pygments whenever it is installed (pytest installs it in a development environment), although
    highlighting is only used with the codehilite extension, which is not enabled, and the sanitiser would strip
    its classes anyway. A worker would hold about 4 MB for it from its first rendered text. Pygments stays
    importable for everything else: it is blocked only while that module is first imported."""
    if "markdown.extensions.codehilite" in sys.modules:
        return
    blocked = "pygments" not in sys.modules
    if blocked:
        sys.modules["pygments"] = None  # type: ignore[assignment]  # an import of it raises ImportError
    try:
        import markdown.extensions.codehilite  # noqa: F401  (fenced_code imports it)
    finally:
        if blocked:
            del sys.modules["pygments"]


_load_codehilite_without_pygments()

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "span", "strong",
    "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
# No class or style from users: either could borrow the application's own look (a fake banner, an invisible
# overlay). The only classes kept are those our own linkers add, whoever typed them.
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "class"},
    "img": {"src", "alt", "title"},
    "span": {"class"},
    "th": {"align"},
    "td": {"align"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {"a": {"issue"}, "span": {"mention"}}
URL_SCHEMES = {"http", "https", "mailto"}

LINKERS: list[Callable[[str], str]] = []


def register_linker(linker: Callable[[str], str]) -> None:
    if linker not in LINKERS:
        LINKERS.append(linker)


def _only_our_classes(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        return value if value in ALLOWED_CLASSES.get(tag, ()) else None
    return value


def sanitize(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_only_our_classes,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


_local = threading.local()


def _converter() -> _markdown.Markdown:
    """One converter per thread, reset between texts: building one costs more than converting a note."""
    converter = getattr(_local, "converter", None)
    if converter is None:
        converter = _local.converter = _markdown.Markdown(extensions=["extra", "sane_lists", "nl2br"], output_format="html")
    return converter.reset()


def render(text: str | None) -> Markup:
    if not text:
        return Markup("")
    html = _converter().convert(text)
    for linker in LINKERS:
        html = linker(html)
    return Markup(sanitize(html))
