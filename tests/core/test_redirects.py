"""Every redirect to user input (next=, back=) stays on this site."""
import pytest

from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.core.requests import safe_path

HOSTILE = ["//evil.example", "https://evil.example/x", "/\\evil.example", "/\t/evil.example", "\\\\evil.example",
           "javascript:alert(1)", "http:/evil.example", "/%0a/evil", " //evil.example"]


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_path_refuses_other_hosts(target):
    assert safe_path(target) in (None, "/%0a/evil")  # an encoded newline stays a path on this site


def test_safe_path_keeps_local_paths():
    assert safe_path("/issues?status=open") == "/issues?status=open"


def _is_local(location: str) -> bool:
    return "evil.example" not in location and not location.startswith("//")


@pytest.mark.parametrize("target", HOSTILE)
def test_login_next_never_leaves_the_site(client, make, target):
    user = make.user()
    response = client.post(f"/login", query_string={"next": target},
                           data={"login": user.login, "password": TEST_PASSWORD, "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302 and _is_local(response.headers["Location"])


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example"])
def test_bulk_edit_back_never_leaves_the_site(client, make, login, target):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    ticket = make.ticket(wg, member)
    login(member)
    response = client.post("/issues/bulk_edit", data={"csrf_token": csrf_token(client, "/issues"), "apply": "1",
                                                      "ids": [ticket.id], "back": target,
                                                      "priority_id": str(make.priority("高").id)})
    assert response.status_code == 302 and _is_local(response.headers["Location"])


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example"])
def test_saved_query_back_never_leaves_the_site(client, make, login, target):
    user = make.user()
    login(user)
    # No name: the query is not saved and the answer goes "back".
    response = client.post("/queries", data={"csrf_token": csrf_token(client, "/issues"), "name": "",
                                             "back": target})
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert _is_local(response.headers["Location"])


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example"])
def test_notification_next_never_leaves_the_site(client, make, login, target):
    user = make.user()
    login(user)
    response = client.post("/my/notifications/read", data={"csrf_token": csrf_token(client, "/"), "next": target})
    assert response.status_code == 302 and _is_local(response.headers["Location"])
