"""What every page needs: navigation, WG tabs and admin tabs, built from the installed features.

A feature's ``views.py`` may define ``nav_items``, ``wg_tabs``, ``admin_tabs`` and ``usernav_widgets``; the layout shows the
entries the current user may use, so a page never links to something that is not there.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import request, url_for
from flask_login import current_user

from tracker.core.db import utcnow


@dataclass(frozen=True)
class NavItem:
    """A top-navigation entry. ``label`` is a lazy string; ``visible`` decides per user."""

    endpoint: str
    label: object
    visible: Callable[[object], bool] = lambda user: user.is_authenticated
    section: str = ""  # URL prefix that marks the entry as current
    order: int = 50  # position in the bar: own work first, organisation-wide views next, administration last

    def is_current(self) -> bool:
        return bool(self.section) and request.path.startswith(self.section)


@dataclass(frozen=True)
class WGTab:
    """A tab on a WG's pages; the endpoint takes ``identifier``. ``visible(wg, user)``."""

    key: str
    label: object
    endpoint: str
    order: int = 50
    visible: Callable[[object, object], bool] = lambda wg, user: wg.visible_to(user)


@dataclass(frozen=True)
class AdminTab:
    """An administration page: a tab on every admin page and an entry on the admin home (/admin)."""

    key: str
    label: object
    endpoint: str
    order: int = 50
    description: object = ""  # one line for the admin home


@dataclass(frozen=True)
class _ResolvedTab:
    key: str
    label: object
    url: str


def _collect(attribute: str) -> list:
    from tracker import feature_modules

    items = []
    for module in feature_modules("views"):
        items.extend(getattr(module, attribute, []))
    return items


def navigation_for(user) -> list[NavItem]:
    return sorted((item for item in _collect("nav_items") if item.visible(user)), key=lambda item: item.order)


def wg_tabs_for(wg) -> list[_ResolvedTab]:
    tabs = sorted(_collect("wg_tabs"), key=lambda tab: tab.order)
    return [
        _ResolvedTab(tab.key, tab.label, url_for(tab.endpoint, identifier=wg.identifier))
        for tab in tabs
        if tab.visible(wg, current_user)
    ]


def admin_tabs() -> list[AdminTab]:
    return sorted(_collect("admin_tabs"), key=lambda tab: tab.order)


def register_layout(app) -> None:
    from tracker.core.markdown import render

    app.jinja_env.filters["markdown"] = render

    @app.context_processor
    def layout_context():
        return {
            "navigation": navigation_for(current_user),
            "now": utcnow(),
            "wg_tabs_for": wg_tabs_for,
            "admin_tabs": admin_tabs(),
            "usernav_widgets": _collect("usernav_widgets"),  # templates a feature adds to the user menu
        }
