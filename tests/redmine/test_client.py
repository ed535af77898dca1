import pytest

from tests.redmine.fake_server import API_KEY, FakeRedmine
from tracker.redmine.client import RedmineClient, RedmineError


@pytest.fixture
def fake():
    server = FakeRedmine()
    url = server.start()
    server.url = url
    yield server
    server.stop()


def test_paged_reads_every_page(fake):
    fake.add_issues(230)
    client = RedmineClient(fake.url, API_KEY)
    seen = []
    issues = list(client.paged("/issues.json", "issues", progress=lambda done, total: seen.append((done, total)), status_id="*"))
    assert len(issues) == len(fake.issues)
    assert len({i["id"] for i in issues}) == len(issues)
    assert seen[-1][0] == seen[-1][1] == len(fake.issues)
    assert len(seen) == 3  # 100 + 100 + the rest


def test_bad_key_is_a_clear_error(fake):
    with pytest.raises(RedmineError, match="401"):
        RedmineClient(fake.url, "wrong").get("/users/current.json")


def test_unreachable_server_is_a_clear_error():
    with pytest.raises(RedmineError):
        RedmineClient("http://127.0.0.1:9", API_KEY, retries=0, timeout=2).get("/projects.json")


def test_missing_is_none_with_get_optional(fake):
    assert RedmineClient(fake.url, API_KEY).get_optional("/no/such.json") is None
