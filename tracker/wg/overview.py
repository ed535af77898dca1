"""The WG home as a dashboard: features add panels (phase and gate, tickets, next meeting, KPIs, activity).

A feature's ``views.py`` may define ``overview_panels``: each names a template and a function
``(wg, user) -> dict | None`` that reads through the feature's policies and queries; None leaves the panel out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class OverviewPanel:
    key: str
    template: str  # rendered with the dict the function returns, plus wg
    context: Callable[[object, object], dict | None]
    order: int = 50
    wide: bool = False  # spans the dashboard's full width


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    html: object  # Markup
    wide: bool


def panels_for(wg, user) -> list[RenderedPanel]:
    from flask import render_template
    from markupsafe import Markup

    from tracker import feature_modules

    registered = [p for module in feature_modules("views") for p in getattr(module, "overview_panels", [])]
    shown = []
    for panel in sorted(registered, key=lambda p: p.order):
        context = panel.context(wg, user)
        if context is not None:
            shown.append(RenderedPanel(panel.key, Markup(render_template(panel.template, wg=wg, **context)), panel.wide))
    return shown
