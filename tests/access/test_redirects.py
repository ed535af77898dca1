"""No POST route that takes a return address (``next`` / ``back``) sends the browser off the site.

The routes come from the URL map: every POST handler whose source reads ``next`` or ``back`` must have a case
in CASES (``test_every_redirecting_post_route_has_a_case`` fails otherwise)."""
from __future__ import annotations

import inspect
import re
from urllib.parse import urlsplit

import pytest

from tests.access import scenario as sc
from tests.conftest import TEST_PASSWORD, csrf_token
from tests.access.test_url_matrix import _APP

EVIL = ["//evil.example", "https://evil.example", "/\\evil.example", "\\\\evil.example", "//evil.example/%2F..",
        "https:evil.example", " //evil.example", "/%5Cevil.example"]


def _engagement(s):
    from tracker.extensions import db
    from tracker.talent import services

    if "engagement" not in s.objects:
        s.objects["engagement"] = services.apply(s.help_request, s.users[sc.STAFF], "手伝えます")
        db.session.commit()
    return s.objects["engagement"]


def _fresh_time_entry(s):
    """A new entry per case: the first delete would make the later cases 404 before any redirect."""
    from datetime import date

    from tracker.extensions import db
    from tracker.tickets import timelog

    entry = timelog.log_time(s.users[sc.MEMBER], {"spent_on": date(2026, 4, 3), "hours": "1", "comments": "削除用"},
                             ticket=s.public_ticket)
    db.session.commit()
    return entry


# rule -> (user, how to build the request: (path, form without the return address), the return field)
CASES = {
    "/login": (sc.ANON, lambda s, evil: (f"/login?next={evil}", {"login": "x-staff", "password": TEST_PASSWORD}), None),
    "/my/notifications/read": (sc.MEMBER, lambda s, evil: ("/my/notifications/read", {"next": evil}), "next"),
    "/talent/engagements/<int:engagement_id>/<any(accept, decline, approve, reject):action>": (
        sc.STAFF, lambda s, evil: (f"/talent/engagements/{_engagement(s).id}/decline", {"next": evil}), "next"),
    "/time_entries/<int:entry_id>/delete": (
        sc.MEMBER, lambda s, evil: (f"/time_entries/{_fresh_time_entry(s).id}/delete", {"back": evil}), "back"),
    "/issues/bulk_edit": (sc.LEADER, lambda s, evil: ("/issues/bulk_edit", {
        "ids": str(s.public_ticket.id), "apply": "1", "notes": "一括更新", "back": evil}), "back"),
    "/queries": (sc.MEMBER, lambda s, evil: ("/queries", {"name": "保存した条件", "back": evil}), "back"),
    "/board/move": (sc.MEMBER, lambda s, evil: ("/board/move", {
        "ticket_id": str(s.public_ticket.id), "column_by": "status", "target": str(s.public_ticket.status_id + 1),
        "back": evil}), "back"),
    "/projects/<identifier>/board/wip_limits": (sc.LEADER, lambda s, evil: (
        f"/projects/{s.public_wg.identifier}/board/wip_limits", {"column_by": "status", "wip[1]": "3", "back": evil}), "back"),
    "/calendar/move": (sc.MEMBER, lambda s, evil: ("/calendar/move", {
        "ticket_id": str(s.public_ticket.id), "due_date": "2026-06-01", "back": evil}), "back"),
    "/my/feed_key": (sc.MEMBER, lambda s, evil: ("/my/feed_key", {"back": evil}), "back"),
}

_READS_RETURN = re.compile(r"""(form|args|values)\.get\(\s*["'](next|back)["']""")


def _post_rules_reading_a_return_address():
    found = set()
    for rule in _APP.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        view = _APP.view_functions[rule.endpoint]
        try:
            source = inspect.getsource(inspect.unwrap(view))
        except (OSError, TypeError):
            continue
        if _READS_RETURN.search(source):
            found.add(rule.rule)
    return found


def test_every_redirecting_post_route_has_a_case():
    missing = _post_rules_reading_a_return_address() - set(CASES)
    assert not missing, f"POST routes that read next/back without a redirect case: {sorted(missing)}"


def _off_site(location: str) -> bool:
    target = urlsplit(location.strip())
    if target.netloc and target.netloc != "localhost":
        return True
    path = location.strip()
    return (not target.netloc) and (path.startswith("//") or path.startswith("/\\") or path.startswith("\\")
                                    or (target.scheme and target.scheme not in ("http", "https")) or
                                    (target.scheme and not target.netloc))


@pytest.mark.parametrize("evil", EVIL)
@pytest.mark.parametrize("rule", sorted(CASES))
def test_return_address_stays_on_site(rule, evil, app, scenario, clients):
    from tracker.extensions import limiter

    user, build, _field = CASES[rule]
    limiter.reset()
    client = app.test_client() if user == sc.ANON else clients[user]
    path, form = build(scenario, evil)
    form["csrf_token"] = csrf_token(client, "/login" if user == sc.ANON else "/")
    response = client.post(path, data=form)
    assert response.status_code < 500, (path, response.status_code)
    assert response.status_code in (301, 302, 303), (path, response.status_code)  # the case reaches the redirect
    location = response.headers.get("Location", "")
    assert not _off_site(location), f"{rule} with {evil!r} redirects to {location!r}"
