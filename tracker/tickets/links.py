"""Markdown linkers: ``#123`` links a ticket, ``@login`` marks a mention (outside code and links)."""
from __future__ import annotations

import re

from markupsafe import escape

from tracker.core import mentions
from tracker.core.markdown import register_linker

_TAG = re.compile(r"(<[^>]+>)")
_TICKET = re.compile(r"(?<![\w&#/])#(\d{1,9})\b")
_SKIP = {"a", "code", "pre"}


def _text_segments(html: str, replace) -> str:
    out, depth = [], 0
    for piece in _TAG.split(html):
        if piece.startswith("<") and piece.endswith(">"):
            name = re.match(r"</?\s*([a-zA-Z0-9]+)", piece)
            if name and name.group(1).lower() in _SKIP:
                depth += -1 if piece.startswith("</") else (0 if piece.endswith("/>") else 1)
                depth = max(depth, 0)
            out.append(piece)
        elif depth == 0 and piece:
            out.append(replace(piece))
        else:
            out.append(piece)
    return "".join(out)


def link_tickets(html: str) -> str:
    return _text_segments(html, lambda text: _TICKET.sub(r'<a class="issue" href="/issues/\1">#\1</a>', text))


def mark_mentions(html: str) -> str:
    return _text_segments(
        html, lambda text: mentions.mark(text, lambda login: f'<span class="mention">@{escape(login)}</span>')
    )


register_linker(link_tickets)
register_linker(mark_mentions)
