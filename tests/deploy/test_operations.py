"""Running it: database outages answer 503, one redacted log line per request, trusted proxies."""
from __future__ import annotations

import json
import logging

from tracker import create_app
from tracker.accounts.services import issue_api_key

UNREACHABLE = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"


def _down_app():
    return create_app("test", SQLALCHEMY_DATABASE_URI=UNREACHABLE, WTF_CSRF_ENABLED=False,
                      SQLALCHEMY_ENGINE_OPTIONS={})


def test_pages_answer_a_japanese_503_when_the_database_is_down():
    response = _down_app().test_client().post("/login", data={"login": "someone", "password": "whatever-123"},
                                              headers={"Accept-Language": "ja"})
    assert response.status_code == 503
    page = response.get_data(as_text=True)
    assert "一時的に利用できません" in page
    assert "Retry-After" in response.headers


def test_the_api_answers_json_503_when_the_database_is_down():
    response = _down_app().test_client().get("/projects.json", headers={"X-Redmine-API-Key": "a" * 40})
    assert response.status_code == 503
    assert response.is_json
    assert response.json["errors"]


def _request_lines(caplog):
    return [r.getMessage() for r in caplog.records if r.name == "tracker.requests"]


def test_one_line_per_request_with_id_user_status_and_duration_and_no_secrets(client, make, caplog):
    user = make.user()
    key = issue_api_key(user)
    caplog.set_level(logging.INFO, logger="tracker.requests")
    response = client.get(f"/projects.json?key={key}&limit=5", headers={"Authorization": "Basic c2VjcmV0OnB3"})
    assert response.status_code == 200
    (line,) = _request_lines(caplog)
    assert key not in line and "c2VjcmV0" not in line
    assert "key=[REDACTED]" in line and "limit=5" in line
    assert f"request_id={response.headers['X-Request-ID']}" in line
    assert f"user_id={user.id}" in line and "status=200" in line and "duration_ms=" in line


def test_the_request_id_of_the_proxy_is_kept(client, caplog):
    caplog.set_level(logging.INFO, logger="tracker.requests")
    response = client.get("/healthz", headers={"X-Request-ID": "nginx-abc123"})
    assert response.headers["X-Request-ID"] == "nginx-abc123"
    assert "request_id=nginx-abc123" in _request_lines(caplog)[0]


def test_json_lines_when_asked(app, caplog, tmp_path):
    json_app = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], LOG_JSON=True)
    caplog.set_level(logging.INFO, logger="tracker.requests")
    json_app.test_client().get("/login?password=hunter2hunter2")
    record = json.loads(_request_lines(caplog)[-1])
    assert record["status"] == 200 and record["method"] == "GET"
    assert "hunter2" not in record["path"]


def test_trusted_proxies_give_the_real_client_address(app, caplog):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    caplog.set_level(logging.INFO, logger="tracker.requests")
    headers = {"X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"}
    create_app("test", SQLALCHEMY_DATABASE_URI=url, TRUSTED_PROXIES=1).test_client().get("/login", headers=headers)
    assert "remote_addr=203.0.113.7" in _request_lines(caplog)[-1]
    # Without a trusted proxy a client cannot choose its own address (and so dodge the rate limits).
    create_app("test", SQLALCHEMY_DATABASE_URI=url).test_client().get("/login", headers=headers)
    assert "remote_addr=127.0.0.1" in _request_lines(caplog)[-1]


def test_behind_a_trusted_proxy_the_login_limit_counts_each_real_address(app):
    from tracker.extensions import limiter

    proxied = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"], TRUSTED_PROXIES=1,
                         WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute")
    limiter.reset()
    client = proxied.test_client()

    def attempt(address):
        return client.post("/login", data={"login": "nobody", "password": "wrong-password-1"},
                           headers={"X-Forwarded-For": address}).status_code

    try:
        assert [attempt("198.51.100.1") for _ in range(3)][-1] == 429
        assert attempt("198.51.100.2") != 429, "another office behind the same proxy is not locked out"
    finally:
        limiter.reset()
