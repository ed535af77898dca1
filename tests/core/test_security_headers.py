"""Every HTML page sends a CSP without inline script, refuses framing, and sets nosniff and a Referrer-Policy."""
import re
from pathlib import Path

import pytest

from config import PROJECT_ROOT
from tests.conftest import csrf_token


def _assert_secure_headers(response):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = {part.split()[0]: part.split()[1:] for part in csp.split(";") if part.strip()}
    assert directives.get("script-src") == ["'self'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert "'unsafe-inline'" not in directives.get("default-src", []), csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy")
    assert response.headers.get("X-Frame-Options") == "DENY"


def test_anonymous_pages_send_security_headers(client):
    for path in ("/login", "/account/lost_password", "/no-such-page"):
        _assert_secure_headers(client.get(path))


def test_logged_in_pages_send_security_headers(client, make, login):
    user = login(make.user())
    wg = make.wg(members={user: "メンバー"})
    for path in ("/", "/issues", f"/projects/{wg.identifier}", "/my/account", "/my/sessions", "/activity"):
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_secure_headers(response)


def test_the_password_reset_page_sends_no_referrer(client, make, db):
    from tracker.accounts import password_reset

    token = password_reset.issue(make.user())
    db.session.commit()
    assert client.get(f"/account/password_reset/{token}").headers["Referrer-Policy"] == "no-referrer"


def test_the_headers_do_not_force_secure_cookies_behind_plain_http_in_tests(client, make):
    user = make.user()
    response = client.post("/login", data={"login": user.login, "password": "correct-horse-battery",
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    assert "Secure" not in response.headers.get("Set-Cookie", "")


TEMPLATES = sorted((PROJECT_ROOT / "templates").rglob("*.html"))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(PROJECT_ROOT / "templates")))
def test_no_template_has_inline_script_or_event_handlers(template: Path):
    # The CSP would block them: they must live in static/js.
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text), "inline on...= handler"
    assert "javascript:" not in text
