"""The talent bank's 履歴: a profile's history follows the visibility of each part (an HR-only part's old and
new values are shown to the person and HR only, an only-me part's to the person only), and a help request's
history shows its edits, each helper's step and its closing."""
from datetime import date

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.talent import services
from tracker.talent.models import Profile

PROFILE = {"action": "profile", "p-time_share": "10", "p-achievements": "RPAで年間300時間を削減",
           "p-skills_visibility": "everyone", "p-certifications_visibility": "only_me", "p-career_visibility": "everyone",
           "p-achievements_visibility": "hr", "p-availability_visibility": "everyone"}


def _post(client, data):
    return client.post("/talent/me/edit", data={"csrf_token": csrf_token(client, "/talent/me/edit"), **data})


def _history(client, path) -> str:
    return client.get(path).get_data(as_text=True).split('class="history"')[1]


def test_a_profiles_history_shows_each_part_only_to_who_may_see_that_part(client, login, make, db):
    owner = make.user(name="高橋 美咲")
    colleague, hr = make.user(), make.user(org_roles=[OrgRole.HR])
    login(owner)
    _post(client, PROFILE)
    _post(client, {"action": "certification", "c-name": "基本情報技術者", "c-acquired_on": "2019-06-01"})
    _post(client, {**PROFILE, "p-time_share": "20", "p-achievements": "庁内チャットの導入"})
    profile = db.session.query(Profile).filter_by(user_id=owner.id).one()
    page = f"/talent/people/{owner.id}"

    mine = _history(client, page)
    assert "高橋 美咲" in mine and "庁内チャットの導入" in mine and "基本情報技術者" in mine
    assert "自分のみ" in mine  # the owner sees the visibility settings they chose

    login(hr)
    seen_by_hr = _history(client, page)
    assert "RPAで年間300時間を削減" in seen_by_hr and "庁内チャットの導入" in seen_by_hr  # HR-only part
    assert "基本情報技術者" not in seen_by_hr and "自分のみ" not in seen_by_hr

    login(colleague)
    seen = _history(client, page)
    assert "20" in seen and "高橋 美咲" in seen  # the availability (everyone) did change
    for hidden in ("RPAで年間300時間を削減", "庁内チャットの導入", "基本情報技術者", "人事担当のみ", "自分のみ"):
        assert hidden not in seen
    # the certification entry had nothing the colleague may see: it is left out, not shown empty
    assert seen.count('<li>\n      <p class="meta">') == 2

    # the rule is the part's current visibility: once the achievements are for everyone, their history is too
    login(owner)
    _post(client, {**PROFILE, "p-time_share": "20", "p-achievements": "庁内チャットの導入", "p-achievements_visibility": "everyone"})
    login(colleague)
    assert "RPAで年間300時間を削減" in _history(client, page)
    assert profile.id


def test_a_help_requests_history_shows_edits_helpers_and_closing(client, login, make, db):
    section = make.section(name="市民税課")
    analysis = make.skill("データ分析")
    leader = make.user(name="依頼 者", section=make.section(name="未来政策課"))
    helper = make.user(name="応援 者", section=section, job_title="主任")
    chief = make.user(name="税務 課長", section=section, job_title="課長")
    request = services.save_request(leader, None, title="データ分析の応援", description="", time_share=10,
                                    starts_on=date(2026, 4, 1), ends_on=None, needs=[(analysis, 3, 2)])
    db.session.commit()
    page = f"/talent/requests/{request.id}"
    login(leader)
    client.post(f"{page}/edit", data={"csrf_token": csrf_token(client, f"{page}/edit"), "title": "データ分析の応援",
                                      "description": "", "time_share": "20", "starts_on": "2026-04-01", "ends_on": "",
                                      "wg_id": "0", "needs-0-skill_id": str(analysis.id), "needs-0-min_level": "3",
                                      "needs-0-importance": "3"})
    login(helper)
    client.post(f"{page}/apply", data={"csrf_token": csrf_token(client, page), "message": "統計検定2級を持っています"})
    engagement = request.engagements[0]
    login(chief)
    client.post(f"/talent/engagements/{engagement.id}/approve", data={"csrf_token": csrf_token(client, page)})
    login(leader)
    client.post(f"{page}/close", data={"csrf_token": csrf_token(client, page)})

    history = _history(client, page)
    assert "依頼 者" in history and "応援 者" in history and "税務 課長" in history
    assert "週の時間" in history and "必須" in history  # the edit: share 10 → 20, importance → required
    assert "応援 者（課長の承認待ち）" in history and "応援 者（承認済み（応援中））" in history
    assert "統計検定2級を持っています" in history  # the application's message as the entry's note
    assert "募集中" in history and "終了" in history


def test_a_private_wg_linked_to_a_request_is_not_named_in_its_history(client, login, make, db):
    leader, staff = make.user(), make.user()
    wg = make.wg(name="非公開の検討WG", members={leader: "WG責任者"}, is_public=False)
    request = make.help_request(leader, wg=wg)
    db.session.commit()
    login(leader)
    assert "非公開の検討WG" in _history(client, f"/talent/requests/{request.id}")
    login(staff)
    history = _history(client, f"/talent/requests/{request.id}")
    assert "非公開の検討WG" not in history
    assert "表示できません" in history or "(not visible to you)" in history  # the new string before the catalog has it
