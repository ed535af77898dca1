import pytest

from tests.conftest import csrf_token


@pytest.fixture
def switch_user(client, login):
    """Log out whoever is logged in and log ``user`` in (the shared ``login`` expects nobody logged in)."""

    def switch(user):
        client.post("/logout", data={"csrf_token": csrf_token(client, "/ideas")})
        return login(user)

    return switch


