"""Kept for callers of the first wave; the rule itself lives in ``tracker.core.requests.safe_path``."""
from __future__ import annotations

from tracker.core.requests import safe_path as safe_next_url  # noqa: F401
