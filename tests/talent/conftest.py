import pytest

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.core import events


@pytest.fixture
def emitted():
    """The events emitted during the test."""
    received = []
    handler = received.append
    events.subscribe(handler)
    yield received
    if handler in events._subscribers:
        events._subscribers.remove(handler)


@pytest.fixture
def login(client):
    """Log in as ``user``, logging out whoever was logged in first (these tests switch users often)."""
    def do_login(user, password: str = TEST_PASSWORD):
        if client.get("/login").status_code == 302:  # someone is logged in
            client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
        response = client.post("/login", data={"login": user.login, "password": password, "csrf_token": csrf_token(client, "/login")})
        assert response.status_code == 302, response.get_data(as_text=True)
        return user

    return do_login
