"""What every page needs: the navigation built from the features that are installed."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import request
from flask_login import current_user

from tracker.core.db import utcnow


@dataclass(frozen=True)
class NavItem:
    """A top-navigation entry. ``label`` is a lazy string; ``visible`` decides per user."""

    endpoint: str
    label: object
    visible: Callable[[object], bool] = lambda user: user.is_authenticated
    section: str = ""  # URL prefix that marks the entry as current

    def is_current(self) -> bool:
        return bool(self.section) and request.path.startswith(self.section)


def navigation_for(user) -> list[NavItem]:
    from tracker import feature_modules

    items = []
    for module in feature_modules("views"):
        items.extend(getattr(module, "nav_items", []))
    return [item for item in items if item.visible(user)]


def register_layout(app) -> None:
    @app.context_processor
    def layout_context():
        return {"navigation": navigation_for(current_user), "now": utcnow()}
