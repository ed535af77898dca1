from datetime import date

import pytest

from tests.conftest import csrf_token
from tracker.talent import services
from tracker.talent.models import EngagementStatus, HelpRequest, chiefs_of
from tracker.talent.queries import candidates
from tracker.core.services import ServiceError


@pytest.fixture
def org(make):
    helper_section = make.section(name="市民税課")
    requester_section = make.section(name="未来政策課")
    analysis, stats = make.skill("データ分析"), make.skill("統計")
    leader = make.user(name="依頼 者", section=requester_section, job_title="係長")
    wg = make.wg(identifier="public-private-data", members={leader: "WG責任者"})
    return {
        "analysis": analysis, "stats": stats, "wg": wg, "leader": leader,
        "helper": make.user(name="応援 者", section=helper_section, job_title="主任"),
        "chief": make.user(name="税務 課長", section=helper_section, job_title="課長"),
        "deputy": make.user(name="課長 補佐", section=helper_section, job_title="課長補佐"),
        "other_chief": make.user(name="他課 課長", section=requester_section, job_title="課長"),
    }


def test_section_chief_is_the_chief_by_job_title(org):
    assert chiefs_of(org["helper"]) == [org["chief"]]


def test_invite_accept_approve_complete(client, login, make, db, org, emitted):
    request = make.help_request(org["leader"], needs={org["analysis"]: (3, 3)}, wg=org["wg"], title="官民データの分析支援")
    make.profile(org["helper"], skills={org["analysis"]: 4}, willing_to_help=True, time_share=10)
    login(org["leader"])
    page = client.get(f"/talent/requests/{request.id}").get_data(as_text=True)
    assert "応援 者" in page and "データ分析 レベル4" in page  # a candidate, explained
    token = csrf_token(client, f"/talent/requests/{request.id}")
    client.post(f"/talent/requests/{request.id}/invite", data={"csrf_token": token, "user_id": org["helper"].id})
    engagement = request.engagements[0]
    assert engagement.status == EngagementStatus.INVITED

    login(org["helper"])
    client.post(f"/talent/engagements/{engagement.id}/accept", data={"csrf_token": csrf_token(client, "/talent")})
    assert engagement.status == EngagementStatus.PENDING

    login(org["other_chief"])  # a chief, but not of the helper's section
    page = client.post(f"/talent/engagements/{engagement.id}/approve", data={"csrf_token": csrf_token(client, "/talent")}, follow_redirects=True)
    assert "課長のみ" in page.get_data(as_text=True)
    assert engagement.status == EngagementStatus.PENDING and org["wg"].member_for(org["helper"]) is None

    login(org["chief"])
    assert "官民データの分析支援" in client.get("/talent/approvals").get_data(as_text=True)
    client.post(f"/talent/engagements/{engagement.id}/approve", data={"csrf_token": csrf_token(client, "/talent")})
    assert engagement.status == EngagementStatus.APPROVED
    assert org["wg"].member_for(org["helper"]) is not None  # attached to the linked WG

    login(org["leader"])
    token = csrf_token(client, f"/talent/requests/{request.id}")
    response = client.post(f"/talent/engagements/{engagement.id}/complete", data={"csrf_token": token, "hours": "", "outcome": ""})
    assert response.status_code == 422 and engagement.status == EngagementStatus.APPROVED
    client.post(f"/talent/engagements/{engagement.id}/complete", data={"csrf_token": token, "hours": "24", "outcome": "オープンデータ3件を公開"})
    assert engagement.status == EngagementStatus.COMPLETED
    page = client.get(f"/talent/people/{org['helper'].id}").get_data(as_text=True)
    assert "オープンデータ3件を公開" in page and "24時間" in page

    kinds = [(e.kind, {u.id for u in e.recipients}) for e in emitted]
    assert ("talent.invited", {org["helper"].id}) in kinds
    assert ("talent.applied", {org["leader"].id, org["chief"].id}) in kinds
    assert ("talent.approved", {org["helper"].id, org["leader"].id}) in kinds
    assert any(kind == "talent.completed" and org["helper"].id in who for kind, who in kinds)


def test_staff_apply_and_chief_rejects(make, db, org, emitted):
    request = make.help_request(org["leader"], needs={org["stats"]: 2})
    engagement = services.apply(request, org["helper"], "統計検定2級を持っています")
    assert emitted[-1].kind == "talent.applied"
    with pytest.raises(ServiceError):
        services.decide(engagement, org["deputy"], True)  # 課長補佐 is not the chief
    services.decide(engagement, org["chief"], False)
    assert engagement.status == EngagementStatus.REJECTED
    with pytest.raises(ServiceError):
        services.apply(request, org["helper"])


def test_candidates_ranked_by_fit_and_availability(make, db, org):
    request = make.help_request(org["leader"], needs={org["analysis"]: (3, 3), org["stats"]: (2, 1)}, time_share=20)
    strong = make.profile(make.user(name="強い"), skills={org["analysis"]: 5, org["stats"]: 3}, willing_to_help=True, time_share=20)
    busy = make.profile(make.user(name="多忙"), skills={org["analysis"]: 5, org["stats"]: 3}, willing_to_help=False)
    weak = make.profile(make.user(name="弱い"), skills={org["stats"]: 4}, willing_to_help=True, time_share=20)
    hidden = make.profile(make.user(name="非公開"), skills={org["analysis"]: 5}, skills_visibility="only_me")
    found = candidates(request, org["leader"])
    assert [c.profile for c in found] == [strong, busy, weak]
    assert hidden not in [c.profile for c in found]
    assert any("必須" in reason for reason in found[2].reasons)  # weak: lacks the required skill


@pytest.mark.parametrize("change, message", [
    ({"time_share": 120}, "100%"),
    ({"ends_on": date(2026, 3, 1)}, "期間の終了"),
    ({"level": 7}, "レベルは1から5"),
])
def test_bad_request_input_is_refused(make, db, org, change, message):
    from flask_babel import force_locale

    with force_locale("ja"), pytest.raises(ServiceError) as error:
        services.save_request(org["leader"], None, title="x", description="", time_share=change.get("time_share", 10),
                              starts_on=date(2026, 4, 1), ends_on=change.get("ends_on"), needs=[(org["analysis"], change.get("level", 3), 2)])
    assert any(message in m for m in error.value.messages)
    assert db.session.query(HelpRequest).count() == 0


def test_request_form_keeps_input_on_error(client, login, make, org):
    login(org["leader"])
    token = csrf_token(client, "/talent/requests/new")
    page = client.post("/talent/requests/new", data={
        "csrf_token": token, "title": "RPAシナリオ作成の応援", "time_share": "150", "starts_on": "2026-04-01", "wg_id": org["wg"].id,
        "needs-0-skill_id": org["analysis"].id, "needs-0-min_level": "3", "needs-0-importance": "3",
    }).get_data(as_text=True)
    assert "RPAシナリオ作成の応援" in page and "100%" in page
    response = client.post("/talent/requests/new", data={
        "csrf_token": token, "title": "RPAシナリオ作成の応援", "time_share": "10", "starts_on": "2026-04-01", "wg_id": org["wg"].id,
        "needs-0-skill_id": org["analysis"].id, "needs-0-min_level": "3", "needs-0-importance": "3",
    })
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "RPAシナリオ作成の応援" in page and org["wg"].name in page


def test_ticket_link(make, db, org):
    from flask_babel import force_locale

    def save(ticket_id):
        return services.save_request(org["leader"], None, title="チケットの応援", description="", time_share=10,
                                     starts_on=date(2026, 4, 1), ends_on=None, needs=[(org["analysis"], 3, 2)], ticket_id=ticket_id)

    seen = make.ticket(wg=org["wg"], author=org["leader"], subject="オープンデータ公開")
    hidden = make.ticket(wg=make.wg(is_public=False))
    with force_locale("ja"):
        with pytest.raises(ServiceError) as error:
            save(hidden.id)  # a ticket the requester cannot see
        assert f"チケット #{hidden.id}" in error.value.messages[0]
        request = save(seen.id)
    assert request.ticket_id == seen.id
    assert services.linked_ticket(request, org["leader"]) == seen


def test_wg_tab_lists_the_wgs_help_requests(client, login, make, org):
    make.help_request(org["leader"], needs={org["analysis"]: 3}, wg=org["wg"], title="WGのデータ分析応援")
    make.help_request(org["leader"], needs={org["analysis"]: 3}, title="WGと無関係の依頼")
    login(org["helper"])
    page = client.get(f"/talent/wg/{org['wg'].identifier}").get_data(as_text=True)
    assert "WGのデータ分析応援" in page and "WGと無関係の依頼" not in page
    assert "新しい応援依頼" not in page  # only those who manage the WG's members post for it
    login(org["leader"])
    assert f'/talent/requests/new?wg={org["wg"].identifier}' in client.get(f"/talent/wg/{org['wg'].identifier}").get_data(as_text=True)
    form = client.get(f"/talent/requests/new?wg={org['wg'].identifier}").get_data(as_text=True)
    assert f'<option selected value="{org["wg"].id}">' in form


def test_hr_edits_a_request_and_keeps_its_wg(make, db, org):
    from tracker.accounts.models import OrgRole

    hr = make.user(org_roles=[OrgRole.HR])
    request = make.help_request(org["leader"], needs={org["analysis"]: 3}, wg=org["wg"])
    assert request.manageable_by(hr)
    services.save_request(hr, request, title="期間延長", description="", time_share=20, starts_on=date(2026, 4, 1),
                          ends_on=date(2027, 3, 31), needs=[(org["analysis"], 3, 3)], wg=org["wg"])
    assert request.wg is org["wg"] and request.requester is org["leader"] and request.time_share == 20
    other = make.wg()
    with pytest.raises(ServiceError):
        services.save_request(hr, request, title="別WGへ", description="", time_share=20, starts_on=date(2026, 4, 1),
                              ends_on=None, needs=[(org["analysis"], 3, 3)], wg=other)


def test_edit_form_shows_the_saved_needs(client, login, make, org):
    request = make.help_request(org["leader"], needs={org["analysis"]: (4, 3), org["stats"]: (2, 1)}, time_share=15)
    login(org["leader"])
    page = client.get(f"/talent/requests/{request.id}/edit").get_data(as_text=True)
    assert 'value="15"' in page and page.count("needs-") >= 9
    assert f'<option selected value="{org["analysis"].id}">' in page
    login(org["helper"])
    assert client.get(f"/talent/requests/{request.id}/edit").status_code == 403


def test_periodic_check_reminds_once_to_record_completion(make, db, org, emitted):
    from tracker.core import events

    request = make.help_request(org["leader"], needs={org["stats"]: 2}, starts_on=date(2025, 4, 1), ends_on=date(2025, 9, 30))
    running = make.help_request(org["leader"], needs={org["stats"]: 2}, title="継続中", ends_on=date(2099, 3, 31))
    for r in (request, running):
        services.decide(services.apply(r, org["helper"]), org["chief"], True)
    check = events.periodic_checks()["talent.completion_due"]
    check()
    due = [e for e in emitted if e.kind == "talent.completion_due"]
    assert [(e.data["request_id"], [u.id for u in e.recipients]) for e in due] == [(request.id, [org["leader"].id])]
    check()
    assert len([e for e in emitted if e.kind == "talent.completion_due"]) == 1


def test_candidates_lacking_a_required_skill_are_listed_apart_on_the_same_fit_scale(client, login, make, db, org):
    from tracker.talent.queries import Criteria, search

    request = make.help_request(org["leader"], needs={org["analysis"]: (3, 3), org["stats"]: (2, 1)}, time_share=20)
    # 弱い has only the nice-to-have skill, at a high level, and lots of time: a high raw score, but no 必須 skill
    make.profile(make.user(name="強い"), skills={org["analysis"]: 4}, willing_to_help=True, time_share=20)
    make.profile(make.user(name="弱い"), skills={org["stats"]: 5}, willing_to_help=True, time_share=50)
    found = candidates(request, org["leader"])
    assert [(c.profile.user.name, c.lacks_required) for c in found] == [("強い", False), ("弱い", True)]
    assert all(0 <= c.score <= 100 for c in found)
    login(org["leader"])
    page = client.get(f"/talent/requests/{request.id}").get_data(as_text=True)
    suitable = page.split('id="candidates-suitable"')[1].split("</section>")[0]
    lacking = page.split('id="candidates-lacking"')[1].split("</section>")[0]
    assert "強い" in suitable and "弱い" not in suitable and "弱い" in lacking
    assert "必須スキルが不足している人" in lacking and 'id="fit-explained"' in page
    # the search speaks the same scale: a whole percentage, 100% for a perfect match
    total, results = search(org["leader"], Criteria(skills=[(org["analysis"], 3)]))
    assert total == 1 and results[0].score == round(100 * (10 + 1 * 3) / (10 + 2 * 3 + 3))
