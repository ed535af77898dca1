from datetime import date

from tracker.core.catalogs import missing
from tracker.core.i18n import format_day


def test_japanese_is_the_default_language(client):
    page = client.get("/login").get_data(as_text=True)
    assert "ログイン" in page


def test_browser_language_is_used_without_a_preference(client):
    page = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"}).get_data(as_text=True)
    assert "Log in" in page and "ログインID" not in page


def test_user_preference_wins_over_the_browser(client, make, login):
    login(make.user(language="en"))
    page = client.get("/", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert "Welcome" in page


def test_dates_in_japanese_style(app):
    with app.test_request_context(headers={"Accept-Language": "ja"}):
        assert format_day(date(2026, 11, 22)) == "2026年11月22日"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_day(date(2026, 11, 22)) == "Nov 22, 2026"


def test_every_message_has_a_japanese_translation():
    gaps = missing()
    assert gaps == {}, "untranslated messages; run `python -m tracker.core.catalogs update` and translate"
