"""The access scenario: one of each kind of user and each kind of protected object, each carrying a marker
string, and the table of who may see each marker (Redmine's rules, the issue "trust").

Built once per test module (tests/access/conftest.py) inside a transaction that is rolled back.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tracker.accounts.models import OrgRole
from tracker.accounts.services import issue_api_key

# -- the users -----------------------------------------------------------------------------------------
ADMIN, LEADER, MEMBER, OBSERVER, STAFF, ANON, HR, DX, MODERATOR = (
    "admin", "leader", "member", "observer", "staff", "anonymous", "hr", "dx_office", "idea_moderator")
USERS = (ADMIN, LEADER, MEMBER, OBSERVER, STAFF, ANON, HR, DX, MODERATOR)
SIGNED_IN = frozenset(USERS) - {ANON}

# -- the markers ---------------------------------------------------------------------------------------
# Upper-case ASCII, so that they survive HTML, JSON, CSV, XML and URL encoding unchanged.
M = "MARKER"
PRIV_TICKET_SUBJECT = f"{M}-PRIVTICKET-SUBJECT"
PRIV_TICKET_DESCRIPTION = f"{M}-PRIVTICKET-DESCRIPTION"
PRIV_TICKET_TIME = f"{M}-PRIVTICKET-TIMEENTRY"
PRIV_TICKET_FILE = f"{M}-PRIVTICKET-FILE"
PRIV_TICKET_FILE_BODY = f"{M}-PRIVTICKET-CONTENT"
PRIV_NOTE = f"{M}-PRIVNOTE"
PRIVWG_NAME = f"{M}-PRIVWG-NAME"
PRIVWG_TICKET = f"{M}-PRIVWG-TICKET"
PRIVWG_MEETING = f"{M}-PRIVWG-MEETING"
PRIVWG_RISK = f"{M}-PRIVWG-RISK"
PRIVWG_KPI = f"{M}-PRIVWG-KPI"
PRIVWG_MEASUREMENT = f"{M}-PRIVWG-MEASUREMENT"
PRIVWG_QUARTERLY = f"{M}-PRIVWG-QUARTERLY"
PRIVWG_PLANNING = f"{M}-PRIVWG-PLANNING"
PRIVWG_CHARTER = f"{M}-PRIVWG-CHARTER"
PRIVWG_GATE = f"{M}-PRIVWG-GATE"
PRIVWG_VERSION = f"{M}-PRIVWG-VERSION"
IDEA_AUTHOR = f"{M}-IDEAAUTHOR"
TALENT_HR_ONLY = f"{M}-TALENT-HRONLY"
TALENT_ONLY_ME = f"{M}-TALENT-ONLYME"
HELP_REQUEST = f"{M}-HELPREQUEST"
NOTIFICATION = f"{M}-NOTIFICATION"
TICKET_IMPORT = f"{M}-CSVIMPORT"

_PRIVATE_WG_READERS = frozenset({ADMIN, DX, LEADER, MEMBER, OBSERVER})
# The private ticket is in the public WG, written by MEMBER, assigned to nobody: its author, the admin and the
# roles with view_private_issues (WG責任者 and メンバー by migration 0010; not オブザーバー, not non-members,
# not the DX office, whose read-only access does not include private tickets).
_PRIVATE_TICKET_READERS = frozenset({ADMIN, LEADER, MEMBER})

VISIBLE_TO: dict[str, frozenset[str]] = {
    PRIV_TICKET_SUBJECT: _PRIVATE_TICKET_READERS,
    PRIV_TICKET_DESCRIPTION: _PRIVATE_TICKET_READERS,
    PRIV_TICKET_TIME: _PRIVATE_TICKET_READERS,
    PRIV_TICKET_FILE: _PRIVATE_TICKET_READERS,
    PRIV_TICKET_FILE_BODY: _PRIVATE_TICKET_READERS,
    # written by LEADER on a public ticket; view_private_notes: WG責任者, メンバー
    PRIV_NOTE: frozenset({ADMIN, LEADER, MEMBER}),
    PRIVWG_NAME: _PRIVATE_WG_READERS,
    PRIVWG_TICKET: _PRIVATE_WG_READERS,
    PRIVWG_MEETING: _PRIVATE_WG_READERS,
    PRIVWG_RISK: _PRIVATE_WG_READERS,
    # KPIs are the city's DX-plan register (seed 000's KPI table is published in the plan): every member of
    # staff reads them, even one that only a private WG serves (tracker/kpi/policy.py). Not anonymous readers.
    PRIVWG_KPI: SIGNED_IN,
    PRIVWG_MEASUREMENT: SIGNED_IN,
    PRIVWG_QUARTERLY: _PRIVATE_WG_READERS,
    PRIVWG_PLANNING: _PRIVATE_WG_READERS,
    PRIVWG_CHARTER: _PRIVATE_WG_READERS,
    PRIVWG_GATE: _PRIVATE_WG_READERS,
    PRIVWG_VERSION: _PRIVATE_WG_READERS,
    # The anonymous idea's author (a user outside USERS, so their name is never in the page header).
    IDEA_AUTHOR: frozenset({ADMIN, MODERATOR}),
    # STAFF owns the talent profile.
    TALENT_HR_ONLY: frozenset({ADMIN, HR, STAFF}),
    TALENT_ONLY_ME: frozenset({STAFF}),
    HELP_REQUEST: SIGNED_IN,
    # to MEMBER
    NOTIFICATION: frozenset({MEMBER}),
    # MEMBER's CSV import (its file name and rows): an import is its uploader's alone, as in Redmine
    TICKET_IMPORT: frozenset({MEMBER}),
}
# Administrators hold every organisation role (User.has_org_role) but ONLY_ME is the person's alone.
# Markers that are only meaningful next to another one: the anonymous author's name leaks when it appears
# with the idea (a user directory may list the person by name without saying what they posted).
CONTEXT: dict[str, str] = {IDEA_AUTHOR: f"{M}-IDEA-TITLE"}
IDEA_TITLE = CONTEXT[IDEA_AUTHOR]


def forbidden_markers(user: str) -> list[str]:
    return [marker for marker, readers in VISIBLE_TO.items() if user not in readers]


def leaked(user: str, text: str) -> list[str]:
    """The markers in ``text`` that ``user`` may not see."""
    found = []
    for marker in forbidden_markers(user):
        if marker in text and (marker not in CONTEXT or CONTEXT[marker] in text):
            found.append(marker)
    return found


@dataclass
class Scenario:
    users: dict = field(default_factory=dict)  # name -> User (ANON -> None)
    api_keys: dict = field(default_factory=dict)
    feed_keys: dict = field(default_factory=dict)
    objects: dict = field(default_factory=dict)  # name -> object

    def __getattr__(self, name):
        try:
            return self.__dict__["objects"][name]
        except KeyError:
            raise AttributeError(name) from None


def build(db, make) -> Scenario:
    from tracker.charter import services as charter_services
    from tracker.ideas import services as idea_services
    from tracker.kpi import services as kpi_services
    from tracker.meetings import services as meeting_services
    from tracker.planning import services as planning_services
    from tracker.quarterly import services as quarterly_services
    from tracker.risks import services as risk_services
    from tracker.talent import services as talent_services
    from tracker.tickets import attachments as files
    from tracker.tickets import services as ticket_services
    from tracker.tickets import timelog
    from tracker.tickets.feeds import make_feed_key
    from tracker.tickets.models import Attachment, IssueCategory, SavedQuery, TicketRelation, Version

    s = Scenario()
    section = make.section()
    u = s.users
    u[ADMIN] = make.admin(login="x-admin", name="管理者")
    u[LEADER] = make.user(login="x-leader", name="責任者", section=section)
    u[MEMBER] = make.user(login="x-member", name="メンバー者", section=section)
    u[OBSERVER] = make.user(login="x-observer", name="観察者", section=section)
    u[STAFF] = make.user(login="x-staff", name="一般職員", section=section)
    u[HR] = make.user(login="x-hr", name="人事担当", org_roles=[OrgRole.HR])
    u[DX] = make.user(login="x-dx", name="DX担当", org_roles=[OrgRole.DX_OFFICE])
    u[MODERATOR] = make.user(login="x-moderator", name="箱管理者", org_roles=[OrgRole.IDEA_MODERATOR])
    u[ANON] = None
    idea_author = make.user(login="x-idea-author", name=IDEA_AUTHOR, section=section)
    roles = {u[LEADER]: "WG責任者", u[MEMBER]: "メンバー", u[OBSERVER]: "オブザーバー"}
    o = s.objects

    # -- the public WG: a private ticket and what hangs off it ---------------------------------------
    o["public_wg"] = public_wg = make.wg(identifier="x-public", name="公開WG", is_public=True, members=roles)
    o["private_ticket"] = private_ticket = ticket_services.create_ticket(u[MEMBER], public_wg, {
        "tracker_id": make.tracker().id, "subject": PRIV_TICKET_SUBJECT, "description": PRIV_TICKET_DESCRIPTION,
        "is_private": True, "start_date": "2026-05-02", "due_date": "2026-05-10"}, uploads=[files.Upload(filename=f"{PRIV_TICKET_FILE}.txt", data=PRIV_TICKET_FILE_BODY.encode())])
    assert private_ticket.is_private and private_ticket.assigned_to_id is None and private_ticket.category_id is None
    o["private_attachment"] = db.session.query(Attachment).filter_by(ticket_id=private_ticket.id).one()
    o["private_time_entry"] = timelog.log_time(u[MEMBER], {"spent_on": date(2026, 4, 1), "hours": "1.5",
                                                            "comments": PRIV_TICKET_TIME}, ticket=private_ticket)
    o["public_ticket"] = public_ticket = ticket_services.create_ticket(u[LEADER], public_wg, {
        "tracker_id": make.tracker().id, "subject": "公開チケット"})
    o["private_journal"] = ticket_services.add_note(public_ticket, u[LEADER], PRIV_NOTE, private_notes=True)
    o["public_journal"] = ticket_services.add_note(public_ticket, u[LEADER], "公開の注記")
    o["child_ticket"] = ticket_services.create_ticket(u[MEMBER], public_wg, {
        "tracker_id": make.tracker().id, "subject": "子チケット", "parent_id": private_ticket.id,
        "start_date": "2026-05-02", "due_date": "2026-05-10"})  # the private parent's dates roll up from it
    o["relation"] = relation = TicketRelation(issue_from_id=public_ticket.id, issue_to_id=private_ticket.id,
                                              relation_type="relates")
    db.session.add(relation)
    o["private_query"] = query = SavedQuery(name=f"{M}-QUERY", user_id=u[MEMBER].id, wg_id=None,
                                            visibility="private", params={})
    db.session.add(query)
    db.session.flush()

    # -- the private WG: one of each kind of content ------------------------------------------------
    o["private_wg"] = private_wg = make.wg(identifier="x-private", name=PRIVWG_NAME, is_public=False, members=roles)
    o["privwg_ticket"] = ticket_services.create_ticket(u[LEADER], private_wg, {
        "tracker_id": make.tracker().id, "subject": PRIVWG_TICKET, "description": PRIVWG_TICKET,
        "due_date": "2026-05-12"})  # dated: on the calendars of May 2026
    o["privwg_time_entry"] = timelog.log_time(u[LEADER], {"spent_on": date(2026, 4, 2), "hours": "2",
                                                           "comments": PRIVWG_TICKET}, ticket=o["privwg_ticket"])
    o["version"] = Version(wg_id=private_wg.id, name=PRIVWG_VERSION, effective_date=date(2026, 5, 20))
    db.session.add(o["version"])
    o["category"] = IssueCategory(wg_id=private_wg.id, name=f"{PRIVWG_VERSION}-分類")
    db.session.add(o["category"])
    o["charter"] = charter = make.charter(private_wg, phase="execution", purpose=PRIVWG_CHARTER,
                                          background=PRIVWG_CHARTER)
    o["meeting"] = meeting_services.save_meeting(None, None, private_wg, title=PRIVWG_MEETING, held_on=date(2026, 5, 1),
                                                 agenda=PRIVWG_MEETING, minutes=PRIVWG_MEETING,
                                                 attendees=[u[LEADER]])
    o["risk"] = risk_services.save_risk(None, None, private_wg, title=PRIVWG_RISK, category="technical", probability=2,
                                        impact=2, response="mitigate", next_review=date(2026, 6, 1),
                                        description=PRIVWG_RISK)
    o["kpi"] = kpi = kpi_services.save_kpi(None, None, name=PRIVWG_KPI, target_value="90", target_fiscal_year=2026,
                                           baseline_date=date(2025, 4, 1))
    kpi_services.set_wg_kpis(None, private_wg, [kpi.id])
    o["measurement"] = kpi_services.add_measurement(kpi, u[LEADER], value="10", as_of=date(2026, 4, 1),
                                                    note=PRIVWG_MEASUREMENT, source=PRIVWG_MEASUREMENT,
                                                    today=date(2026, 4, 2))
    o["quarterly"] = quarterly_services.save_entry(None, private_wg, initiative=PRIVWG_QUARTERLY, fiscal_year=2026,
                                                   quarter=1, target=PRIVWG_QUARTERLY, actual=PRIVWG_QUARTERLY,
                                                   today=date(2026, 7, 1))
    o["planning_note"] = planning_services.add_note(u[MEMBER], private_wg, PRIVWG_PLANNING)
    o["gate"] = charter_services.decide_gate(charter, u[ADMIN], decision="hold", conditions=PRIVWG_GATE,
                                             comment=PRIVWG_GATE, today=date(2026, 5, 1))
    db.session.flush()

    # -- ideas, talent bank, notifications ----------------------------------------------------------
    o["anonymous_idea"] = idea = idea_services.create_idea(idea_author, kind="idea", title=IDEA_TITLE,
                                                           body="匿名の提案", category="work", anonymous=True)
    o["idea_comment"] = idea_services.add_comment(idea, idea_author, "匿名の投稿者の補足")
    o["profile"] = make.profile(user=u[STAFF], achievements=TALENT_HR_ONLY, achievements_visibility="hr",
                                certifications=[TALENT_ONLY_ME], certifications_visibility="only_me")
    # the profile's 履歴 then holds the HR-only and only-me values too: it must hide them as the parts are hidden
    talent_services.update_profile(u[STAFF], o["profile"], achievements=f"{TALENT_HR_ONLY}（追記）", willing_to_help=True,
                                   time_share=10, available_until=None, visibility={})
    talent_services.add_certification(u[STAFF], o["profile"], f"{TALENT_ONLY_ME}（追加）", None)
    o["help_request"] = make.help_request(requester=u[LEADER], title=HELP_REQUEST, description=HELP_REQUEST)
    o["notification"] = make.notification(u[MEMBER], title=NOTIFICATION, body=NOTIFICATION)
    from tracker.imports.models import TicketImport

    o["ticket_import"] = TicketImport(user_id=u[MEMBER].id, wg_id=public_wg.id, filename=f"{TICKET_IMPORT}.csv",
                                      content=f"題名\n{TICKET_IMPORT}-ROW\n".encode(), rows=1, state="new",
                                      settings={"separator": ",", "wrapper": '"', "encoding": "UTF-8",
                                                "date_format": "%Y-%m-%d"},
                                      mapping={"fields": {"subject": 0}, "all_or_nothing": False}, result={})
    db.session.add(o["ticket_import"])
    db.session.flush()

    for name, user in u.items():
        if user is not None:
            s.api_keys[name] = issue_api_key(user)
            s.feed_keys[name] = make_feed_key(user)  # as the POST on マイページ does
    db.session.flush()
    return s
