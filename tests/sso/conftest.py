"""A real OpenID Connect provider (the oidc-provider-mock package) on a free port, for the whole session."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests


@pytest.fixture(scope="session")
def provider():
    try:
        from oidc_provider_mock import run_server_in_thread
    except ImportError:
        pytest.skip("oidc-provider-mock is not installed (pip install -e '.[test]')")
    with run_server_in_thread(port=0) as server:
        yield f"http://localhost:{server.server_port}"


def sso_config(issuer: str, **overrides) -> dict:
    return {"OIDC_ISSUER": issuer, "OIDC_CLIENT_ID": "wg-tracker", "OIDC_CLIENT_SECRET": "client-secret",
            "OIDC_CLAIM_SECTION": "section", "OIDC_CLAIM_DEPARTMENT": "department", "OIDC_CLAIM_TITLE": "title",
            **overrides}


@pytest.fixture
def sso(app, provider, monkeypatch):
    for key, value in sso_config(provider).items():
        monkeypatch.setitem(app.config, key, value)
    return provider


def set_person(issuer: str, sub: str, **claims) -> None:
    """What the provider says about ``sub`` (its user store)."""
    response = requests.put(f"{issuer}/users/{sub}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def approve_at_provider(authorize_url: str, sub: str) -> str:
    """The person signs in at the provider: returns where it sends the browser back (our callback URL)."""
    response = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def callback_path(location: str) -> str:
    parts = urlsplit(location)
    assert parts.path == "/login/sso/callback", location
    return f"{parts.path}?{parts.query}"


def query(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
