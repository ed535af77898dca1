"""WG Tracker: an issue tracker for cross-department DX working groups."""
from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

from flask import Flask

from tracker.config import Config, load_config
from tracker.paths import PACKAGE_DIR, data_dir

# Feature packages, in dependency order. Each has a ``views.py`` with ``blueprints`` to register and
# may have an ``api.py`` (JSON endpoints, also with ``blueprints``) and a ``demo.py``. Their strings share one
# catalog, ``tracker/translations``.
FEATURES = [
    "core", "accounts", "wg", "api", "tickets", "kpi", "charter", "quarterly", "risks", "meetings", "planning", "board",
    "calendar", "gantt", "roadmap", "ideas", "talent", "notify", "redmine", "imports", "audit", "directory", "sso",
]


def feature_modules(name: str) -> list:
    """The importable ``tracker.<feature>.<name>`` modules, in feature order."""
    modules = []
    for feature in FEATURES:
        try:
            modules.append(importlib.import_module(f"tracker.{feature}.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"tracker.{feature}.{name}":
                raise
    return modules


def translation_directories() -> str:
    """The one catalog's folder (Flask-Babel reads ``<dir>/<locale>/LC_MESSAGES/messages.mo``)."""
    return str(PACKAGE_DIR / "translations")


def create_app(config: Config | str | None = None, **overrides) -> Flask:
    if not isinstance(config, Config):
        config = load_config(config, **overrides)
    config.validate()

    app = Flask(
        __name__,
        instance_path=config.INSTANCE_DIR,
        template_folder=str(data_dir("templates")),
        static_folder=str(data_dir("static")),
    )
    app.config.from_object(config)
    from tracker.core.text import NormalizedRequest

    app.request_class = NormalizedRequest  # every text input with LF line endings (see tracker/core/text.py)
    from tracker.core import requests as request_skeleton

    request_skeleton.init_app(app)  # before any route is registered: bounded <int:> ids
    from tracker.core import requestlog

    requestlog.init_app(app)  # first before_request: every later handler's time counts
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = translation_directories()
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, stream=sys.stdout)
    from tracker.core import logs

    logs.install()  # no ?key= values in the access log

    from tracker.core.db import include_object
    from tracker.core.i18n import register_template_helpers, select_locale
    from tracker.extensions import babel, csrf, db, init_limiter, init_migrate, init_security_headers, login_manager

    db.init_app(app)
    init_migrate(app, directory=str(data_dir("migrations")), render_as_batch=True, include_object=include_object)
    login_manager.init_app(app)
    from tracker.sso.client import init_app as init_sso

    init_sso(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    init_limiter(app)
    init_security_headers(app)
    register_template_helpers(app)
    if app.config.get("TEMPLATE_CACHE_DIR"):  # Jinja writes each file beside its name and renames it: workers share it
        from jinja2 import FileSystemBytecodeCache

        Path(app.config["TEMPLATE_CACHE_DIR"]).mkdir(parents=True, exist_ok=True)
        app.jinja_env.bytecode_cache = FileSystemBytecodeCache(app.config["TEMPLATE_CACHE_DIR"])

    feature_modules("models")  # importing them registers every table with the metadata
    feature_modules("policy")  # importing them registers each model's one access policy
    feature_modules("history")  # importing them declares each model's journaled fields
    from tracker.core import history

    history.install(app)
    for module in [*feature_modules("views"), *feature_modules("api")]:
        for blueprint in module.blueprints:
            app.register_blueprint(blueprint)

    from tracker.core.errors import register_error_handlers
    from tracker.core.layout import register_layout

    register_error_handlers(app)
    register_layout(app)
    return app
