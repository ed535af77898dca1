"""File names that users upload, made safe to show and to send back in Content-Disposition.

Control characters (line breaks, NUL, tabs) and bidirectional controls are removed: U+202E (right-to-left
override) makes "report\u202eslx.exe" show as "reportexe.xlsx", so a program passes for a spreadsheet."""
from __future__ import annotations

import unicodedata

# Embeddings and overrides U+202A–U+202E, isolates U+2066–U+2069, and the invisible marks LRM, RLM, ALM.
BIDI_CONTROLS = {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)} | {
    "\u200e", "\u200f", "\u061c"}
MAX_LENGTH = 255


def clean_filename(name: str | None, default: str = "file") -> str:
    """The last path component of ``name``, without control or bidi characters, at most 255 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = "".join(c for c in name if c not in BIDI_CONTROLS and unicodedata.category(c) != "Cc")
    name = name.replace("\\", "/").split("/")[-1].strip()
    if name in (".", ".."):
        name = ""
    return name[:MAX_LENGTH] or default
