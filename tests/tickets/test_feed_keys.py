"""Feed keys: only a digest is stored, a GET never makes one, and no key reaches the access log."""
import logging
import re

from sqlalchemy import func, select

from tests.conftest import csrf_token
from tracker.tickets.models import FeedKey


def _make_key(client):
    response = client.post("/my/feed_key", data={"csrf_token": csrf_token(client, "/my/page")})
    assert response.status_code == 302


def test_a_get_never_makes_a_feed_key(client, db, make, login):
    user = login(make.user())
    for path in ("/issues", "/activity", "/my/page"):
        assert client.get(path).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(FeedKey).where(FeedKey.user_id == user.id)) == 0
    assert "key=" not in client.get("/issues").get_data(as_text=True)


def test_the_key_made_on_a_post_works_for_feed_readers_and_only_its_digest_is_stored(client, db, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    make.ticket(wg, member, subject="フィード対象")
    login(member)
    _make_key(client)
    page = client.get("/issues").get_data(as_text=True)
    key = re.search(r'issues\.atom\?[^"]*key=([0-9a-f]+)', page).group(1)
    row = db.session.get(FeedKey, member.id)
    stored = " ".join(str(getattr(row, column.key)) for column in FeedKey.__table__.columns)
    assert key not in stored
    client.post("/logout", data={"csrf_token": csrf_token(client, "/issues")})
    feed = client.get(f"/issues.atom?key={key}&status_id=*")
    assert feed.status_code == 200 and "フィード対象" in feed.get_data(as_text=True)
    assert client.get("/issues.atom?key=" + "0" * 40).status_code == 401


def test_a_new_key_voids_the_old_one(client, db, make, login):
    user = login(make.user())
    _make_key(client)
    old = re.search(r'key=([0-9a-f]+)', client.get("/issues").get_data(as_text=True)).group(1)
    _make_key(client)
    new = re.search(r'key=([0-9a-f]+)', client.get("/issues").get_data(as_text=True)).group(1)
    assert old != new
    client.post("/logout", data={"csrf_token": csrf_token(client, "/issues")})
    assert client.get(f"/issues.atom?key={old}").status_code == 401
    assert client.get(f"/issues.atom?key={new}").status_code == 200


def test_feed_keys_are_not_written_to_the_access_log():
    from tracker.core.logs import RedactQueryKeys, redact

    assert redact("/issues.atom?key=abc123&status_id=*") == "/issues.atom?key=[redacted]&status_id=*"
    assert redact("/api/v1/wgs.json?limit=5&key=0f0f") == "/api/v1/wgs.json?limit=5&key=[redacted]"
    assert redact("/issues?monkey=1") == "/issues?monkey=1"
    record = logging.LogRecord("werkzeug", logging.INFO, __file__, 1, '%s - - "%s" %s',
                               ("127.0.0.1", "GET /issues.atom?key=secret-value HTTP/1.1", "200"), None)
    assert RedactQueryKeys().filter(record)
    assert "secret-value" not in record.getMessage()
    gunicorn = logging.LogRecord("gunicorn.access", logging.INFO, __file__, 1, "%(r)s %(q)s",
                                 ({"r": "GET /x.atom?key=secret-value HTTP/1.1", "q": "key=secret-value"},), None)
    RedactQueryKeys().filter(gunicorn)
    assert "secret-value" not in gunicorn.getMessage()
