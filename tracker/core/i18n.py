"""Locale selection and the date formats used in templates."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import current_app, request
from flask_babel import format_date, format_datetime, get_locale, to_user_timezone
from flask_login import current_user

from tracker.core import era, fiscal


def select_locale() -> str:
    """The user's saved preference first, then the browser's Accept-Language, then Japanese."""
    languages = current_app.config["LANGUAGES"]
    if current_user and current_user.is_authenticated and current_user.language in languages:
        return current_user.language
    if request:
        best = request.accept_languages.best_match(languages)
        if best:
            return best
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    return str(get_locale() or "ja")


def date_style() -> str:
    """The signed-in user's choice of 西暦 or 和暦 (個人設定); 西暦 for everyone else."""
    style = getattr(current_user, "date_style", None) if current_user else None
    return style if style in era.DATE_STYLES else era.WESTERN


def format_day(value: date | datetime | None) -> str:
    """2026年11月22日 (西暦) or R8年11月22日 (和暦) in Japanese; Nov 22, 2026 (R8) in English."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    japanese_era = date_style() == era.JAPANESE
    if current_language() == "ja":
        year = era.era_label(value) if japanese_era else value.year
        return f"{year}年{value.month}月{value.day}日"
    text = format_date(value, "medium")
    return f"{text} ({era.era_label(value)})" if japanese_era else text


def format_moment(value: datetime | None, seconds: bool = False) -> str:
    """Date and time in the configured timezone: 2026年11月22日 18:40 (or R8年11月22日 18:40); the audit log
    asks for seconds (``|moment(seconds=True)``)."""
    if value is None:
        return ""
    local = to_user_timezone(value)
    if current_language() == "ja":
        return f"{format_day(local)} {local:%H:%M:%S}" if seconds else f"{format_day(local)} {local:%H:%M}"
    if date_style() == era.JAPANESE:
        return f"{format_datetime(value, 'medium')} ({era.era_label(local.date())})"
    return format_datetime(value, "medium")


class Formats:
    """``format_day`` and ``format_moment`` for the many values of one export, with the same results: the language,
    the user's date style and the timezone are read once, each day's text is made once (100,000 tickets have a few
    hundred distinct days) and times are moved to the timezone with ``zoneinfo``. Made inside a request."""

    def __init__(self):
        from flask_babel import get_timezone

        self.language = current_language()
        self.japanese_era = date_style() == era.JAPANESE
        self.zone = ZoneInfo(str(get_timezone() or current_app.config["BABEL_DEFAULT_TIMEZONE"]))
        self._days: dict[date, str] = {}
        self._babel_days: dict[date, str] = {}
        self._times: dict[tuple[int, int, int], str] = {}
        self._locale = get_locale()
        self._pattern: str | None = None  # read on first use: Japanese needs none of Babel's locale data

    def local(self, value: datetime) -> datetime:
        """``value`` in the user's timezone (a naive value is UTC, as flask_babel reads it)."""
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.astimezone(self.zone)

    def day(self, value: date | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.local(value).date()
        text = self._days.get(value)
        if text is None:
            text = self._days[value] = format_day(value)
        return text

    def moment(self, value: datetime | None) -> str:
        if value is None:
            return ""
        local = self.local(value)
        if self.language == "ja":
            return f"{self.day(local.date())} {local.hour:02d}:{local.minute:02d}"
        from babel.dates import format_date as babel_date, format_time as babel_time, get_datetime_format

        if self._pattern is None:  # Babel's "medium" date and time as flask_babel's format_datetime(value, "medium")
            self._pattern = get_datetime_format("medium", locale=self._locale).replace("'", "")
        day = local.date()
        day_text = self._babel_days.get(day)
        if day_text is None:
            day_text = self._babel_days[day] = babel_date(day, "medium", locale=self._locale)
        key = (local.hour, local.minute, local.second)
        time_text = self._times.get(key)
        if time_text is None:
            time_text = self._times[key] = babel_time(local, "medium", tzinfo=None, locale=self._locale)
        text = self._pattern.replace("{0}", time_text).replace("{1}", day_text)
        return f"{text} ({era.era_label(day)})" if self.japanese_era else text


def format_fiscal_year(year: int) -> str:
    """2026年度 (西暦) or R8年度 (和暦); FY2026 or FY2026 (R8) in English."""
    if date_style() == era.JAPANESE:
        return fiscal.fiscal_year_label(year, current_language())
    return f"{year}年度" if current_language() == "ja" else f"FY{year}"


def register_template_helpers(app) -> None:
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["fiscal_year"] = format_fiscal_year
    app.jinja_env.globals["fy"] = format_fiscal_year  # pages that call fy(year) follow the user's style too
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["date_style"] = date_style  # <meta name="date-style">: the pages' scripts format days alike
    app.jinja_env.globals["overdue_days"] = overdue_days


def local_today() -> date:
    """Today in the organisation's timezone (Asia/Tokyo by default), not the server's."""
    return datetime.now(ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])).date()


def overdue_days(due: date | None) -> int:
    """How many days a due date has passed, in the organisation's timezone; 0 when it has not."""
    if due is None:
        return 0
    return max((local_today() - due).days, 0)
