"""Every GET route of the app, requested by every scenario user, shows no marker that user may not see and
is never a 500 (the issue "trust").

The routes come from ``app.url_map``: a new route is covered by default, because its path parameters are
filled from the scenario by name (PARAMETERS); a route whose parameters cannot be filled must be listed in
EXEMPT with the reason, or ``test_every_get_route_is_covered_or_exempt`` fails. /api/v1 and Redmine's .json
paths are requested with the session AND with the user's API key; Atom feeds also with the feed key.
"""
from __future__ import annotations

import io
import itertools
import re
import zipfile

import pytest

from tests.access import scenario as sc
from tracker import create_app

# parameter name -> how to get candidate values from the scenario (several objects where it matters: the
# private ticket, its public child, the public ticket with a private note, a ticket of the private WG ...).
PARAMETERS = {
    "ticket_id": lambda s: [s.private_ticket.id, s.child_ticket.id, s.public_ticket.id, s.privwg_ticket.id],
    "identifier": lambda s: [s.private_wg.identifier, s.public_wg.identifier],
    "key": lambda s: [s.private_wg.identifier, s.public_wg.identifier, str(s.private_wg.id)],
    "attachment_id": lambda s: [s.private_attachment.id],
    "idea_id": lambda s: [s.anonymous_idea.id],
    "comment_id": lambda s: [s.idea_comment.id],
    "kpi_id": lambda s: [s.kpi.id],
    "id": lambda s: [s.kpi.id],  # /api/v1/kpis/<int:id>
    "meeting_id": lambda s: [s.meeting.id],
    "risk_id": lambda s: [s.risk.id],
    "note_id": lambda s: [s.planning_note.id],
    "journal_id": lambda s: [s.private_journal.id, s.public_journal.id],
    "notification_id": lambda s: [s.notification.id],
    "request_id": lambda s: [s.help_request.id],
    # the talent profile's owner, and the anonymous idea's author
    "user_id": lambda s: [s.users[sc.STAFF].id, s.anonymous_idea.author_id],
    "relation_id": lambda s: [s.relation.id],
    "entry_id": lambda s: [s.private_time_entry.id, s.privwg_time_entry.id],
    "version_id": lambda s: [s.version.id],
    "department_id": lambda s: [s.users[sc.STAFF].section.department_id],
    "section_id": lambda s: [s.users[sc.STAFF].section_id],
    "role_id": lambda s: [s.private_wg.members[0].roles[0].id],
    "skill_id": lambda s: [s.help_request.needs[0].skill_id],
    "item_id": lambda s: [1],
    "query_id": lambda s: [s.private_query.id],
    "filename": lambda s: [s.private_attachment.filename],
    "member_id": lambda s: [s.private_wg.members[0].id],
    "category_id": lambda s: [s.category.id],
    "group_id": lambda s: [s.users[sc.STAFF].section_id],
    "news_id": lambda s: [1],
    "title": lambda s: ["Start_page"],
    "import_id": lambda s: [s.ticket_import.id],
}

EXEMPT = {
    "/static/<path:filename>": "the application's own CSS/JS/fonts: no data",
    "/account/password_reset/<token>": "a random single-use token that no scenario user holds; the page shows no data",
    "/custom_fields/<int:field_id>/edit": "admin-only configuration; the scenario has no custom field and it holds no protected data",
}

# Query-string variants of list, search, feed and export routes ({...} filled from the scenario).
VARIANTS = [
    "/search?q=MARKER", "/search?q=PRIVTICKET", "/search?q=PRIVWG", "/search?q=IDEAAUTHOR",
    "/search?q=HRONLY", "/search?q=PRIVNOTE&all_words=1", "/search.json?q=MARKER", "/search.json?q=PRIVTICKET", "/search?q=MARKER&scope=all&titles_only=0",
    "/projects/{public}/search?q=MARKER", "/projects/{private}/search?q=MARKER",
    "/projects/{public}/search.json?q=MARKER",
    "/issues?set_filter=1&status_id=*", "/issues?set_filter=1&status_id=*&is_private=1",
    "/issues?set_filter=1&status_id=*&sort=subject&c[]=subject&c[]=description&c[]=parent",
    "/issues.csv", "/issues.csv?status_id=*&c[]=subject&c[]=description&c[]=parent", "/issues.xlsx",
    "/issues.xlsx?status_id=*", "/projects/{public}/issues.csv?status_id=*", "/projects/{private}/issues.xlsx",
    "/issues.atom", "/issues.atom?key={feed_key}", "/activity.atom?key={feed_key}",
    "/projects/{public}/issues.atom?key={feed_key}", "/projects/{private}/activity.atom?key={feed_key}",
    "/issues.json?status_id=*", "/issues.json?status_id=*&include=relations,attachments,journals,children",
    "/issues.json?issue_id={private_ticket}", "/issues.json?parent_id={private_ticket}",
    "/issues/{child_ticket}.json?include=children,relations,journals,attachments",
    "/issues/{public_ticket}.json?include=journals,relations",
    "/issues/{private_ticket}.json?include=journals,attachments,relations,children",
    "/time_entries.json?issue_id={private_ticket}", "/time_entries?issue_id={private_ticket}",
    "/time_entries.json?project_id={private}", "/time_entries?set_filter=1", "/time_entries.json",
    "/projects/{public}/time_entries.json?issue_id={private_ticket}",
    "/projects/{private}/calendar.ics", "/projects/{public}/calendar.ics",
    "/projects/{public}/calendar.ics?key={feed_key}", "/projects/{private}/calendar.ics?key={feed_key}",
    "/activity?show_issues=1&show_time_entries=1", "/projects/{public}/activity?with_subprojects=1",
    "/projects.json?include=trackers,issue_categories", "/users.json?name=MARKER",
    "/ideas?q=MARKER", "/ideas?sort=new", "/ideas/export.xlsx", "/api/v1/ideas?q=MARKER",
    "/talent?q=MARKER", "/talent?q=HRONLY", "/api/v1/talent/search?q=HRONLY",
    "/api/v1/talent/search?q=MARKER", "/talent/export.xlsx", "/api/v1/talent/profiles?q=MARKER",
    "/kpis?q=MARKER", "/quarterly?fiscal_year=2026", "/quarterly.xlsx?fiscal_year=2026", "/quarterly.xlsx",
    "/portfolio?q=MARKER", "/api/v1/portfolio?fiscal_year=2026", "/my/page", "/my/notifications?all=1",
    "/api/v1/notifications?all=1", "/api/v1/kpis?q=MARKER",
    "/gantt?set_filter=1&status_id=*", "/projects/{public}/gantt?status_id=*&zoom=week",
    "/projects/{private}/gantt?status_id=*&zoom=quarter", "/api/v1/gantt?status_id=*",
    "/api/v1/wgs/{public}/gantt?status_id=*", "/roadmap?completed=1", "/api/v1/roadmap?completed=1",
    "/portfolio/timeline?fiscal_year=2026", "/api/v1/portfolio/timeline?fiscal_year=2026",
    # boards and calendars (the scenario's tickets, meeting, milestone and gate are dated May 2026)
    "/board?set_filter=1&status_id=*", "/board?status_id=*&column_by=assigned_to&lane_by=project",
    "/board?status_id=*&column_by=fixed_version&lane_by=section", "/board?query_id={query}",
    "/projects/{public}/board?status_id=*&column_by=category&lane_by=priority",
    "/projects/{private}/board?status_id=*&column_by=fixed_version", "/api/v1/board?status_id=*&column_by=assigned_to",
    "/api/v1/wgs/{private}/board?status_id=*", "/api/v1/wgs/{public}/board?status_id=*&lane_by=assigned_to",
    "/calendar?date=2026-05-01", "/calendar?date=2026-05-01&set_filter=1&f[]=status_id&op[status_id]=*",
    "/calendar?view=week&date=2026-05-10&set_filter=1&f[]=status_id&op[status_id]=*",
    "/projects/{public}/calendar?date=2026-05-01&status_id=*", "/projects/{private}/calendar?date=2026-05-01",
    "/api/v1/calendar?date=2026-05-01&set_filter=1&f[]=status_id&op[status_id]=*",
    "/api/v1/wgs/{private}/calendar?date=2026-05-01", "/api/v1/wgs/{public}/calendar?date=2026-05-01&status_id=*",
    "/my/calendar.ics", "/my/calendar.ics?key={feed_key}",
]


def _rules():
    app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://")
    return app, sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods), key=lambda r: r.rule)


_APP, GET_RULES = _rules()


def _is_api(path: str) -> bool:
    bare = path.split("?", 1)[0]
    return bare.startswith("/api/") or bare.endswith((".json", ".xml"))


def _urls(rule, s) -> list[str]:
    names = sorted(rule.arguments)
    choices = []
    for name in names:
        converter = rule._converters.get(name)
        if type(converter).__name__ == "AnyConverter":
            choices.append(re.search(rf"<any\(([^)]*)\):{name}>", rule.rule).group(1).replace(" ", "").split(","))
        else:
            choices.append(PARAMETERS[name](s))
    urls = []
    for combination in itertools.product(*choices):
        _, path = rule.build(dict(zip(names, combination)), append_unknown=False)
        urls.append(path)
    return urls


def body_text(response) -> str:
    data = response.get_data()
    if data[:2] == b"PK":  # xlsx: the cells are in the zipped XML
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
        except zipfile.BadZipFile:
            pass
    return data.decode("utf-8", "replace") + "\n" + response.headers.get("Location", "") + response.headers.get(
        "Content-Disposition", "")


def requests_for(path: str, user: str, s) -> list[tuple[str, dict]]:
    """(mode, client.get kwargs): the session, and for the API and feeds the user's keys."""
    ways = [("session", {})]
    if user != sc.ANON and _is_api(path):
        ways.append(("api_key", {"headers": {"X-Redmine-API-Key": s.api_keys[user]}}))
    return ways


def check(path: str, s, clients) -> list[str]:
    problems = []
    for user in sc.USERS:
        for mode, kwargs in requests_for(path, user, s):
            client = clients[sc.ANON] if mode == "api_key" else clients[user]
            problems += _problems_of(client, path, user, mode, kwargs)
    return problems


def _problems_of(client, path: str, user: str, mode: str, kwargs: dict) -> list[str]:
    """What is wrong with one request: a 500, or a marker that ``user`` may not see."""
    response = client.get(path, **kwargs)
    if response.status_code >= 500:
        return [f"{path} as {user} ({mode}): {response.status_code}"]
    # a marker in the request itself (echoed in a search box or a login redirect) is no leak
    markers = [m for m in sc.leaked(user, body_text(response)) if m not in path]
    if markers:
        return [f"{path} as {user} ({mode}): {response.status_code} shows {', '.join(markers)}"]
    return []


COVERED = [r for r in GET_RULES if r.rule not in EXEMPT]


def test_every_get_route_is_covered_or_exempt():
    unfillable = [r.rule for r in COVERED
                  if any(n not in PARAMETERS and type(r._converters.get(n)).__name__ != "AnyConverter"
                         for n in r.arguments)]
    assert not unfillable, f"GET routes with parameters the scenario cannot fill; add to PARAMETERS or EXEMPT: {unfillable}"
    stale = set(EXEMPT) - {r.rule for r in GET_RULES}
    assert not stale, f"EXEMPT lists routes that no longer exist: {stale}"


_WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_AUDIT_INSERT = re.compile(r"^\s*INSERT INTO audit_entries\b", re.IGNORECASE)

# The narrow exception to "a GET never writes": the audit entries GETs must leave (issue 12), by action name
# (a prefix ends with "."), each with why. Add an action here only when its GET records it on purpose.
AUDITED_GET_ACTIONS = {
    "export.": "tracker.core.exports.record_export: who took which list, even though an export is a GET",
    "attachment.download": "tracker.tickets.attachments.record_download: a file of a private ticket was read",
}


def is_audited_get_entry(statement: str, parameters) -> bool:
    """The one write a GET may make: the INSERT of one audit entry whose action AUDITED_GET_ACTIONS lists."""
    if not _AUDIT_INSERT.match(statement):
        return False
    values = parameters.values() if isinstance(parameters, dict) else (parameters or ())
    return any(isinstance(value, str) and (value.startswith(name) if name.endswith(".") else value == name)
               for value in values for name in AUDITED_GET_ACTIONS)


@pytest.fixture
def no_writes(app):
    """Records every INSERT, UPDATE or DELETE sent to the database while the test runs: the matrix only
    sends GETs, and a GET never writes (feed keys, read marks and sessions are made by POSTs). The single
    exception is one audit entry of an action AUDITED_GET_ACTIONS lists (``is_audited_get_entry``); any other
    INSERT into the audit table, and every other write, still fails."""
    import sqlalchemy as sa

    from tracker.extensions import db

    writes: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if _WRITE.match(statement) and not (not executemany and is_audited_get_entry(statement, parameters)):
            writes.append(statement.split("\n", 1)[0][:120])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    yield writes
    sa.event.remove(engine, "before_cursor_execute", record)
    assert not writes, "a GET wrote to the database:\n" + "\n".join(writes)


@pytest.mark.parametrize("rule", COVERED, ids=[r.rule for r in COVERED])
def test_get_route_leaks_nothing(rule, scenario, clients, no_writes):
    if any(n not in PARAMETERS and type(rule._converters.get(n)).__name__ != "AnyConverter" for n in rule.arguments):
        pytest.fail(f"{rule.rule}: a parameter cannot be filled from the scenario")
    problems = [p for url in _urls(rule, scenario) for p in check(url, scenario, clients)]
    assert not problems, "\n".join(problems)


def _fill(template: str, s, user: str) -> str:
    values = {name: getattr(sc, name) for name in re.findall(r"\{([A-Z_]+)\}", template)}
    values.update(public=s.public_wg.identifier, private=s.private_wg.identifier,
                  private_ticket=s.private_ticket.id, child_ticket=s.child_ticket.id,
                  public_ticket=s.public_ticket.id, feed_key=s.feed_keys.get(user, "none"), query=s.private_query.id)
    return template.format(**values)


@pytest.mark.parametrize("template", VARIANTS)
def test_query_variant_leaks_nothing(template, scenario, clients, no_writes):
    problems = []
    for user in sc.USERS:
        path = _fill(template, scenario, user)
        for mode, kwargs in requests_for(path, user, scenario):
            client = clients[sc.ANON] if mode == "api_key" or "key=" in path else clients[user]
            problems += _problems_of(client, path, user, mode, kwargs)
    assert not problems, "\n".join(problems)


def test_markers_are_reachable(scenario, clients):
    """The matrix proves something only if the markers do show to those allowed: each marker appears on at
    least one page for at least one reader (a marker nobody can find would make every leak check pass)."""
    pages = {
        sc.PRIV_TICKET_SUBJECT: f"/issues/{scenario.private_ticket.id}",
        sc.PRIV_TICKET_DESCRIPTION: f"/issues/{scenario.private_ticket.id}",
        sc.PRIV_TICKET_TIME: f"/projects/{scenario.public_wg.identifier}/time_entries",
        sc.PRIV_TICKET_FILE: f"/issues/{scenario.private_ticket.id}",
        sc.PRIV_TICKET_FILE_BODY: f"/attachments/download/{scenario.private_attachment.id}",
        sc.PRIV_NOTE: f"/issues/{scenario.public_ticket.id}",
        sc.PRIVWG_NAME: f"/projects/{scenario.private_wg.identifier}",
        sc.PRIVWG_TICKET: f"/issues/{scenario.privwg_ticket.id}",
        sc.PRIVWG_MEETING: f"/projects/{scenario.private_wg.identifier}/meetings/{scenario.meeting.id}",
        sc.PRIVWG_RISK: f"/projects/{scenario.private_wg.identifier}/risks/{scenario.risk.id}",
        sc.PRIVWG_KPI: f"/kpis/{scenario.kpi.id}",
        sc.PRIVWG_MEASUREMENT: f"/kpis/{scenario.kpi.id}",
        sc.PRIVWG_QUARTERLY: f"/projects/{scenario.private_wg.identifier}/quarterly",
        sc.PRIVWG_PLANNING: f"/projects/{scenario.private_wg.identifier}/planning",
        sc.PRIVWG_CHARTER: f"/projects/{scenario.private_wg.identifier}/charter",
        sc.PRIVWG_GATE: f"/projects/{scenario.private_wg.identifier}/charter",
        sc.PRIVWG_VERSION: f"/projects/{scenario.private_wg.identifier}/versions.json",
        sc.IDEA_AUTHOR: f"/ideas/{scenario.anonymous_idea.id}",
        sc.TALENT_HR_ONLY: f"/talent/people/{scenario.users[sc.STAFF].id}",
        sc.TALENT_ONLY_ME: f"/talent/people/{scenario.users[sc.STAFF].id}",
        sc.HELP_REQUEST: f"/talent/requests/{scenario.help_request.id}",
        sc.NOTIFICATION: "/my/notifications",
    }
    missing = []
    for marker, path in pages.items():
        reader = next(u for u in (sc.MEMBER, sc.LEADER, sc.STAFF, sc.MODERATOR, sc.HR, sc.ADMIN)
                      if u in sc.VISIBLE_TO[marker])
        text = body_text(clients[reader].get(path))
        if marker not in text:
            missing.append(f"{marker} not on {path} for {reader}")
    assert not missing, "\n".join(missing)


@pytest.mark.parametrize("marker, reader, path", [
    (sc.PRIV_TICKET_SUBJECT, sc.MEMBER, "/projects/{public}/gantt?status_id=*"),
    (sc.PRIV_TICKET_SUBJECT, sc.LEADER, "/api/v1/gantt?status_id=*"),
    (sc.PRIVWG_TICKET, sc.MEMBER, "/gantt?status_id=*"),
    (sc.PRIVWG_VERSION, sc.MEMBER, "/projects/{private}/gantt"),
    (sc.PRIVWG_VERSION, sc.OBSERVER, "/projects/{private}/roadmap"),
    (sc.PRIVWG_VERSION, sc.MEMBER, "/versions/{version}/roadmap"),
    (sc.PRIVWG_NAME, sc.DX, "/portfolio/timeline?fiscal_year=2026"),
    (sc.PRIVWG_VERSION, sc.DX, "/api/v1/portfolio/timeline?fiscal_year=2026"),
])
def test_plan_views_show_the_markers_to_their_readers(marker, reader, path, scenario, clients):
    """The Gantt, roadmap and timeline rows of the matrix prove something: their readers do see the markers."""
    url = path.format(public=scenario.public_wg.identifier, private=scenario.private_wg.identifier,
                      version=scenario.version.id)
    assert marker in body_text(clients[reader].get(url)), (url, reader)


@pytest.mark.parametrize("path, markers", [
    ("/board?set_filter=1&status_id=*", [sc.PRIV_TICKET_SUBJECT, sc.PRIVWG_TICKET]),
    ("/api/v1/board?status_id=*&column_by=fixed_version", [sc.PRIV_TICKET_SUBJECT, sc.PRIVWG_VERSION]),
    ("/calendar?date=2026-05-01&set_filter=1&f[]=status_id&op[status_id]=*", [sc.PRIV_TICKET_SUBJECT, sc.PRIVWG_MEETING]),
    ("/projects/{private}/calendar?date=2026-05-01", [sc.PRIVWG_TICKET, sc.PRIVWG_MEETING, sc.PRIVWG_VERSION]),
])
def test_boards_and_calendars_show_the_markers_to_their_readers(path, markers, scenario, clients):
    """The board and calendar variants above prove something: their readers do see the markers there."""
    text = body_text(clients[sc.MEMBER].get(_fill(path, scenario, sc.MEMBER)))
    assert [m for m in markers if m not in text] == []


@pytest.mark.parametrize("page", ["", "/charter", "/meetings", "/meetings/{meeting}", "/risks",
                                  "/quarterly", "/planning", "/issues", "/time_entries", "/activity"])
def test_dx_office_reads_every_wg(page, scenario, clients):
    """The DX office sees every WG read-only, private ones included (domain.md: 情報政策課 sees every WG)."""
    path = f"/projects/{scenario.private_wg.identifier}" + page.format(meeting=scenario.meeting.id,
                                                                        risk=scenario.risk.id)
    response = clients[sc.DX].get(path)
    assert response.status_code == 200, (path, response.status_code)


def test_api_keys_and_feed_keys_authenticate(scenario, clients):
    """The key-based requests of the matrix are really made as the user (else they would prove nothing)."""
    anonymous = clients[sc.ANON]
    key = {"X-Redmine-API-Key": scenario.api_keys[sc.MEMBER]}
    ticket = anonymous.get(f"/issues/{scenario.private_ticket.id}.json", headers=key)
    assert ticket.status_code == 200 and sc.PRIV_TICKET_SUBJECT in ticket.get_data(as_text=True)
    wg = anonymous.get(f"/api/v1/wgs/{scenario.private_wg.identifier}", headers=key)
    assert wg.status_code == 200 and sc.PRIVWG_NAME in wg.get_data(as_text=True)
    feed = anonymous.get(f"/issues.atom?key={scenario.feed_keys[sc.MEMBER]}")
    assert feed.status_code == 200 and sc.PRIV_TICKET_SUBJECT in feed.get_data(as_text=True)
    assert anonymous.get("/my/page").status_code == 302, "a key request must not log the client's session in"


@pytest.mark.parametrize("feed", ["/projects/{wg}/issues.atom", "/projects/{wg}/activity.atom", "/issues.atom",
                                  "/activity.atom"])
def test_feed_key_reads_the_feed(feed, scenario, clients):
    """A feed reader with the member's key gets the feed the member sees (a 404 would hide every leak too)."""
    path = feed.format(wg=scenario.public_wg.identifier) + f"?key={scenario.feed_keys[sc.MEMBER]}"
    response = clients[sc.ANON].get(path)
    assert response.status_code == 200, (path, response.status_code)


def test_anonymous_idea_shows_anonymous_to_staff(scenario, clients):
    page = clients[sc.STAFF].get(f"/ideas/{scenario.anonymous_idea.id}").get_data(as_text=True)
    assert sc.IDEA_TITLE in page and "匿名" in page and sc.IDEA_AUTHOR not in page
