"""Per-feature translation lookup.

Each feature keeps its own catalog (``tracker/<feature>/translations``), so two features may translate the
same English word differently ("Apply" is 適用 for a filter and 応募する for a help request). A string is
looked up first in the catalog of the feature that uses it — the Python module's package, or the template's
folder — then in all catalogs merged (Flask-Babel's own lookup). The names mirror Flask-Babel's, so modules
import ``gettext as _`` / ``lazy_gettext as _l`` from here instead.
"""
from __future__ import annotations

import sys
from pathlib import Path

from babel import support
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import get_translations as merged_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_context

_TRANSLATIONS_ROOT = Path(__file__).resolve().parents[1]
_cache: dict[tuple[str, str], support.NullTranslations] = {}


def _feature_of_module(module_name: str | None) -> str:
    parts = (module_name or "").split(".")
    if len(parts) >= 3 and parts[0] == "tracker":
        return parts[1]
    return "core"


def _feature_of_template(template_name: str | None) -> str:
    if template_name and "/" in template_name:
        return template_name.split("/", 1)[0]
    return "core"


def translations_for(feature: str):
    if not has_app_context():
        return support.NullTranslations()
    locale = str(get_locale() or current_app.config.get("BABEL_DEFAULT_LOCALE", "ja"))
    key = (feature, locale)
    found = _cache.get(key)
    if found is None:
        directory = _TRANSLATIONS_ROOT / feature / "translations"
        own = support.Translations.load(str(directory), [locale], "messages") if directory.is_dir() else None
        merged = merged_translations()
        if isinstance(own, support.Translations):
            own.add_fallback(merged)
            found = own
        else:
            found = merged
        _cache[key] = found
    return found


def _translate(feature: str, string: str, **variables) -> str:
    text = translations_for(feature).ugettext(string)
    return text % variables if variables else text


def _translate_plural(feature: str, singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return translations_for(feature).ungettext(singular, plural, num) % variables


def _caller_feature() -> str:
    return _feature_of_module(sys._getframe(2).f_globals.get("__name__"))


def gettext(string: str, **variables) -> str:
    return _translate(_caller_feature(), string, **variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    return _translate_plural(_caller_feature(), singular, plural, num, **variables)


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(_translate, _caller_feature(), string, **variables)


def lazy_ngettext(singular: str, plural: str, num: int, **variables) -> LazyString:
    return LazyString(_translate_plural, _caller_feature(), singular, plural, num, **variables)


@pass_context
def _template_gettext(context, string: str) -> str:
    return translations_for(_feature_of_template(context.name)).ugettext(string)


@pass_context
def _template_ngettext(context, singular: str, plural: str, num: int) -> str:
    return translations_for(_feature_of_template(context.name)).ungettext(singular, plural, num)


def install(app) -> None:
    """Templates look strings up in their own feature's catalog first (newstyle: ``_("x %(n)s", n=1)``)."""
    app.jinja_env.install_gettext_callables(_template_gettext, _template_ngettext, newstyle=True)
