import base64

from tests.conftest import TEST_PASSWORD
from tracker.accounts.services import issue_api_key


def _basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_api_needs_credentials(client):
    response = client.get("/api/v1/wgs")
    assert response.status_code == 401
    assert response.json["errors"]


def test_api_key_header_parameter_and_basic(client, make, db):
    user = make.user(login="apiuser")
    key = issue_api_key(user)
    wg = make.wg(name="窓口WG")
    for kwargs in (
        {"headers": {"X-Redmine-API-Key": key}},
        {"query_string": {"key": key}},
        {"headers": _basic("apiuser", TEST_PASSWORD)},
        {"headers": _basic(key, "")},
    ):
        response = client.get("/api/v1/wgs", **kwargs)
        assert response.status_code == 200, kwargs
        assert wg.identifier in [w["identifier"] for w in response.json["wgs"]]


def test_wrong_key_or_password_is_401(client, make):
    make.user(login="someone")
    assert client.get("/api/v1/wgs", headers={"X-Redmine-API-Key": "0" * 40}).status_code == 401
    assert client.get("/api/v1/wgs", headers=_basic("someone", "wrong-password")).status_code == 401


def test_private_wg_is_404_for_non_members(client, make):
    user = make.user()
    key = issue_api_key(user)
    wg = make.wg(is_public=False)
    assert client.get(f"/api/v1/wgs/{wg.identifier}", headers={"X-Redmine-API-Key": key}).status_code == 404
    listed = client.get("/api/v1/wgs", headers={"X-Redmine-API-Key": key}).json["wgs"]
    assert wg.identifier not in [w["identifier"] for w in listed]


def test_openapi_document_lists_the_paths(client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"].startswith("3.")
    assert "/wgs" in document["paths"] and "/wgs/{identifier}" in document["paths"]
