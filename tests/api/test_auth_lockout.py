"""HTTP Basic and API-key failures count like failed logins on the form: per account (lockout) and per
address (throttle). Successful logins from one address (a city hall behind one NAT) are never throttled."""
import base64

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts.services import issue_api_key
from tracker.core.db import utcnow


def _basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_wrong_basic_passwords_lock_the_account_and_the_right_one_is_then_refused(client, make, app):
    user = make.user(login="basicuser")
    statuses = [client.get("/api/v1/wgs", headers=_basic("basicuser", "wrong-password")).status_code
                for _ in range(app.config["LOGIN_MAX_FAILURES"] + 1)]
    # The failure that reaches the limit locks the account, and says so.
    assert statuses == [401] * (app.config["LOGIN_MAX_FAILURES"] - 1) + [403, 403]
    assert user.locked_until is not None and user.locked_until > utcnow()
    response = client.get("/api/v1/wgs", headers=_basic("basicuser", TEST_PASSWORD))
    assert response.status_code == 403
    assert any("ロック" in message for message in response.json["errors"])


def test_basic_failures_and_form_failures_lock_the_same_account(client, make, app):
    user = make.user(login="mixed")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        client.get("/api/v1/wgs", headers=_basic("mixed", "wrong-password"))
    page = client.post("/login", data={"login": "mixed", "password": "wrong",
                                       "csrf_token": csrf_token(client, "/login")}).get_data(as_text=True)
    assert "ロックされています" in page
    assert user.locked_until is not None


def test_a_successful_basic_login_forgets_earlier_failures_without_writing_on_every_request(client, make, app):
    user = make.user(login="okuser")
    client.get("/api/v1/wgs", headers=_basic("okuser", "wrong-password"))
    assert user.failed_logins == 1
    assert client.get("/api/v1/wgs", headers=_basic("okuser", TEST_PASSWORD)).status_code == 200
    assert user.failed_logins == 0


def test_wrong_api_keys_are_throttled_per_address(client, make, app):
    user = make.user()
    key = issue_api_key(user)
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    statuses = [client.get("/api/v1/wgs", headers={"X-Redmine-API-Key": f"{i:040x}"}).status_code
                for i in range(limit + 1)]
    assert statuses[:limit] == [401] * limit
    assert statuses[-1] == 429
    # The address is throttled: even a right key waits, and so does the form.
    assert client.get("/api/v1/wgs", headers={"X-Redmine-API-Key": key}).status_code == 429
    token = csrf_token(client, "/login")
    assert client.post("/login", data={"login": user.login, "password": TEST_PASSWORD, "csrf_token": token}).status_code == 429


def test_many_right_api_requests_are_not_throttled(client, make, app):
    user = make.user()
    key = issue_api_key(user)
    limit = int(app.config["LOGIN_RATE_LIMIT"].split()[0])
    for _ in range(limit + 5):
        assert client.get("/api/v1/wgs", headers={"X-Redmine-API-Key": key}).status_code == 200
