"""Redmine keeps ``firstname`` and ``lastname``; we keep one ``name`` written family name first (本間 一郎)."""
from __future__ import annotations


def split_name(name: str) -> tuple[str, str]:
    """(firstname, lastname) of a name written family name first: "本間 一郎" -> ("一郎", "本間")."""
    parts = (name or "").replace("\u3000", " ").split(None, 1)
    if len(parts) == 2:
        return parts[1], parts[0]
    return (parts[0] if parts else ""), ""


def join_name(firstname: str | None, lastname: str | None) -> str:
    """Redmine's firstname/lastname as one name, family name first."""
    return " ".join(p for p in ((lastname or "").strip(), (firstname or "").strip()) if p) or "?"
