"""The access scenario, built once per module inside a transaction that is rolled back at the end, and one
client per scenario user (logged in once)."""
from __future__ import annotations

import pytest

from tests.conftest import TEST_PASSWORD, _Client, csrf_token, rolled_back_session
from tests.factories import Factories
from tests.access import scenario as sc
from tracker.extensions import limiter


@pytest.fixture(scope="module")
def module_db(app):
    """As tests/conftest.py's ``db``, for a whole module: everything, even what requests commit, is undone."""
    with rolled_back_session(app) as database:
        yield database


@pytest.fixture(scope="module")
def scenario(module_db) -> sc.Scenario:
    built = sc.build(module_db, Factories(module_db))
    module_db.session.commit()  # releases the savepoint only; the module's outer transaction is rolled back
    return built


@pytest.fixture(scope="module")
def clients(app, scenario) -> dict:
    """name -> a test client logged in as that scenario user (anonymous: not logged in)."""
    app.test_client_class = _Client
    result = {}
    for name in sc.USERS:
        limiter.reset()
        client = app.test_client()
        user = scenario.users[name]
        if user is not None:
            response = client.post("/login", data={"login": user.login, "password": TEST_PASSWORD,
                                                   "csrf_token": csrf_token(client, "/login")})
            assert response.status_code == 302, (name, response.get_data(as_text=True)[:500])
        result[name] = client
    return result
