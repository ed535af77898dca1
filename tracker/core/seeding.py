"""Demo data: every feature's ``demo.load(ctx)`` runs in feature order, each safe to run again."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app

from tracker.extensions import db


@dataclass
class DemoContext:
    password: str
    logins: list[tuple[str, str]] = field(default_factory=list)  # (login, what to try with it)
    shared: dict = field(default_factory=dict)  # what one feature's loader hands to a later one


def load_demo() -> list[tuple[str, str]]:
    from tracker import feature_modules

    ctx = DemoContext(password=current_app.config["DEMO_PASSWORD"])
    for module in feature_modules("demo"):
        module.load(ctx)
        db.session.commit()
    return ctx.logins
