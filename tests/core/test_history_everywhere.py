"""Every journaled type, from the registry: changed through its service as a user, its page's 履歴 shows who
changed which field from what to what. A newly journaled type fails here until it has a case in CASES, so
it is covered by default.

And every service that changes a journaled model takes the acting user."""
from __future__ import annotations

import ast
import importlib
import inspect
import textwrap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

import pytest

import tracker
from tracker.core import history

# The specs are declared when the feature modules are imported (as create_app does); parametrizing needs
# them at collection time.
for _kind in ("models", "policy", "history"):
    tracker.feature_modules(_kind)


@dataclass
class Case:
    actor: object
    change: Callable[[], None]  # through the service, as ``actor``
    page: str
    old: str  # the changed field's value before and after, as the 履歴 shows it
    new: str
    # Tickets show their history as Redmine's journals ("件名 を <i>旧</i> から <i>新</i> に変更"), not as the
    # shared 履歴 section: where the history starts on the page and how a change reads there.
    section: str = 'class="history"'
    shows: Callable[[str, str], list[str]] = lambda old, new: [f"<del>{old}</del> → <ins>{new}</ins>"]


def _risk(make):
    from tracker.risks.services import save_risk

    actor = make.user(name="リスク 担当")
    wg = make.wg(members={actor: "WG責任者"})
    fields = dict(category="technical", probability=2, impact=2, response="mitigate", next_review=date(2026, 6, 1))
    risk = save_risk(actor, None, wg, title="旧リスク", **fields)
    return Case(actor, lambda: save_risk(actor, risk, wg, title="新リスク", **fields),
                f"/projects/{wg.identifier}/risks/{risk.id}", "旧リスク", "新リスク")


def _meeting(make):
    from tracker.meetings.services import save_meeting

    actor = make.user(name="会議 担当")
    wg = make.wg(members={actor: "WG責任者"})
    meeting = save_meeting(actor, None, wg, title="旧会議", held_on=date(2026, 5, 1))
    return Case(actor, lambda: save_meeting(actor, meeting, wg, title="新会議", held_on=date(2026, 5, 1)),
                f"/projects/{wg.identifier}/meetings/{meeting.id}", "旧会議", "新会議")


def _wg(make):
    from tracker.wg.services import update_wg

    actor = make.user(name="WG 責任者")
    wg = make.wg(name="旧WG名", members={actor: "WG責任者"})
    return Case(actor, lambda: update_wg(actor, wg, name="新WG名", description="", is_public=True),
                f"/projects/{wg.identifier}/settings", "旧WG名", "新WG名")


def _role(make):
    from tracker.wg.services import save_role

    actor = make.admin(name="管理 者")
    role = make.role("旧ロール")
    return Case(actor, lambda: save_role(actor, role, "新ロール", ["view_wg"]), f"/roles/{role.id}/edit", "旧ロール", "新ロール")


def _kpi(make):
    from tracker.kpi.services import save_kpi

    actor = make.admin(name="KPI 担当")
    fields = dict(target_value="90", target_fiscal_year=2026, baseline_date=date(2025, 4, 1))
    kpi = save_kpi(actor, None, name="旧KPI", **fields)
    return Case(actor, lambda: save_kpi(actor, kpi, name="新KPI", **fields), f"/kpis/{kpi.id}", "旧KPI", "新KPI")


def _quarterly_entry(make):
    from tracker.quarterly.services import save_entry

    actor = make.user(name="四半期 担当")
    wg = make.wg(members={actor: "WG責任者"})
    cell = dict(initiative="森林クラウド", fiscal_year=2026, quarter=1, today=date(2026, 7, 1))
    save_entry(actor, wg, target="旧目標", **cell)
    query = urlencode({"year": 2026, "initiative": "森林クラウド", "quarter": 1})
    return Case(actor, lambda: save_entry(actor, wg, target="新目標", **cell),
                f"/projects/{wg.identifier}/quarterly?{query}", "旧目標", "新目標")


def _planning_note(make):
    from tracker.planning.services import add_note, edit_note

    actor = make.user(name="付箋 担当")
    wg = make.wg(members={actor: "メンバー"})
    note = add_note(actor, wg, "旧付箋")
    return Case(actor, lambda: edit_note(actor, wg, note, "新付箋", None),
                f"/projects/{wg.identifier}/planning/notes/{note.id}", "旧付箋", "新付箋")


def _talent_profile(make):
    from tracker.talent.services import profile_for, update_profile

    actor = make.user(name="人材 本人")
    profile = profile_for(actor)

    def save(achievements):
        update_profile(actor, profile, achievements=achievements, willing_to_help=False, time_share=0,
                       available_until=None, visibility={})

    save("旧実績")
    return Case(actor, lambda: save("新実績"), f"/talent/people/{actor.id}", "旧実績", "新実績")


def _help_request(make):
    from tracker.talent.services import save_request

    actor = make.user(name="応援 依頼者")
    fields = dict(description="", time_share=10, starts_on=date(2026, 4, 1), ends_on=None, needs=[(make.skill("分析"), 3, 2)])
    request = save_request(actor, None, title="旧依頼", **fields)
    return Case(actor, lambda: save_request(actor, request, title="新依頼", **fields),
                f"/talent/requests/{request.id}", "旧依頼", "新依頼")


def _user(make):
    from tracker.accounts.services import update_user

    actor = make.admin(name="情報 管理者")
    person = make.user(name="異動 する人", job_title="主事")
    return Case(actor, lambda: update_user(person, actor=actor, job_title="主任"),
                f"/admin/users/{person.id}/edit", "主事", "主任")


def _charter(make):
    from tracker.charter.services import charter_for, update_charter

    actor = make.user(name="憲章 担当")
    wg = make.wg(members={actor: "WG責任者"})
    charter = charter_for(wg)

    def save(purpose):
        update_charter(charter, actor, texts={"purpose": purpose}, people=[], criteria=[], milestones=[], budget_lines=[])

    save("旧目的")
    return Case(actor, lambda: save("新目的"), f"/projects/{wg.identifier}/charter", "旧目的", "新目的")


def _idea(make):
    from tracker.ideas.services import create_idea, update_idea

    actor = make.user(name="提案 する人")
    idea = create_idea(actor, kind="idea", title="旧提案", category="work")
    return Case(actor, lambda: update_idea(idea, actor, kind="idea", title="新提案", body="", category="work",
                                           section_id=None, anonymous=False),
                f"/ideas/{idea.id}", "旧提案", "新提案")


def _ticket(make):
    from tracker.tickets import services

    actor = make.user(name="チケット 担当")
    wg = make.wg(members={actor: "WG責任者"})
    ticket = services.create_ticket(actor, wg, {"tracker_id": make.tracker().id, "subject": "旧チケット"})
    return Case(actor, lambda: services.update_ticket(ticket, actor, {"subject": "新チケット"}),
                f"/issues/{ticket.id}", "旧チケット", "新チケット", section='class="journal',
                shows=lambda old, new: [f"<i>{old}</i>", f"<i>{new}</i>"])


CASES: dict[str, Callable] = {
    "user": _user,
    "risk": _risk, "meeting": _meeting, "wg": _wg, "role": _role, "kpi": _kpi, "quarterly_entry": _quarterly_entry,
    "planning_note": _planning_note, "talent_profile": _talent_profile, "help_request": _help_request,
    "charter": _charter, "idea": _idea,
    "ticket": _ticket,
}


@pytest.mark.parametrize("name", sorted(history.registered()))
def test_a_change_through_the_service_shows_in_the_pages_history(name, client, make, login, db):
    assert name in CASES, (f"{name} is journaled but has no case here: add one to CASES (build it, change it "
                           f"through its service, name the page with its 履歴)")
    case = CASES[name](make)
    db.session.commit()
    case.change()
    db.session.commit()
    login(case.actor)
    response = client.get(case.page)
    assert response.status_code == 200, (case.page, response.status_code)
    page = response.get_data(as_text=True)
    assert case.section in page, f"{case.page} has no 履歴 section"
    shown = page.split(case.section)[1].split("</section>")[0]
    assert case.actor.name in shown
    assert all(piece in shown for piece in case.shows(case.old, case.new)), shown


def test_every_case_is_a_journaled_type():
    assert set(CASES) <= set(history.registered())


# -- services take the acting user ---------------------------------------------------------------------

ACTOR_PARAMETERS = {"actor", "user", "approver", "requester", "author", "creator"}

# Public service functions that change a journaled feature's data without an acting user, and why.
EXEMPT = {
    "tracker.talent.services.remind_completions": "periodic check run by the system: only marks a reminder as sent",
    "tracker.kpi.services.already_reported": "bookkeeping of the system's periodic checks (which key was reported)",
    "tracker.accounts.services.authenticate": "the person signing in is the actor: recorded as auth.login / "
                                              "auth.login_failed in the audit log",
    "tracker.charter.services.charter_for": "makes a WG's empty charter the first time it is changed; the change "
                                            "that follows is journaled by its service, with the acting user",
    "tracker.ideas.services.report_overdue_answers": "periodic check run by the system: only notes which due date "
                                                     "it reported",
    "tracker.accounts.services.create_user": "the building block of create_user_as_admin and the directory, "
                                             "which record who created the user",
}


def _changes_data(function) -> bool:
    """Pragmatic: the body assigns an attribute, calls setattr, adds to or deletes from the session, or
    journals."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    for node in ast.walk(tree):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(node, ast.AugAssign) else []
        for target in targets:
            for part in ast.walk(target):
                if isinstance(part, ast.Attribute) and isinstance(part.ctx, ast.Store):
                    return True
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called == "setattr" or called.startswith(("db.session.add", "db.session.delete", "history.")):
                return True
    return False


def _journaled_features() -> set[str]:
    return {spec.model.__module__.split(".")[1] for spec in history.registered().values()}


def test_every_service_changing_a_journaled_feature_takes_the_acting_user():
    missing = []
    for feature in sorted(_journaled_features()):
        if not (Path(tracker.__file__).parent / feature / "services.py").exists():
            continue
        module = importlib.import_module(f"tracker.{feature}.services")
        for name, function in inspect.getmembers(module, inspect.isfunction):
            qualified = f"{module.__name__}.{name}"
            if name.startswith("_") or function.__module__ != module.__name__ or qualified in EXEMPT:
                continue
            if _changes_data(function) and not ACTOR_PARAMETERS & set(inspect.signature(function).parameters):
                missing.append(qualified)
    assert not missing, f"services changing journaled data without the acting user (add one, or exempt with a reason): {missing}"


def test_every_exemption_still_exists():
    for qualified in EXEMPT:
        module, name = qualified.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), name), f"{qualified} is gone: remove its exemption"
