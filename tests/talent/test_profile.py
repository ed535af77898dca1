
from tests.conftest import csrf_token
from tracker.talent.models import Profile, Visibility


def _post(client, data):
    data = {"csrf_token": csrf_token(client, "/talent/me/edit"), **data}
    return client.post("/talent/me/edit", data=data)


def test_staff_keep_their_own_profile(client, login, make, db):
    skill = make.skill("RPA")
    user = login(make.user())
    assert _post(client, {"action": "skill", "s-skill_id": skill.id, "s-level": "4", "s-can_help": "y"}).status_code == 302
    assert _post(client, {"action": "certification", "c-name": "基本情報技術者", "c-acquired_on": "2019-06-01"}).status_code == 302
    assert _post(client, {"action": "career", "h-section_name": "市民課", "h-started_on": "2015-04-01", "h-ended_on": "2019-03-31"}).status_code == 302
    assert _post(client, {"action": "profile", "p-willing_to_help": "y", "p-time_share": "10", "p-available_until": "2027-03-31",
                          "p-achievements": "RPAで年間300時間を削減", "p-skills_visibility": "everyone", "p-certifications_visibility": "hr",
                          "p-career_visibility": "everyone", "p-achievements_visibility": "everyone", "p-availability_visibility": "only_me"}).status_code == 302
    profile = db.session.query(Profile).filter_by(user_id=user.id).one()
    assert [(s.skill.name, s.level, s.can_help) for s in profile.skills] == [("RPA", 4, True)]
    assert profile.certifications_visibility == Visibility.HR and profile.time_share == 10
    page = client.get(f"/talent/people/{user.id}").get_data(as_text=True)
    assert "基本情報技術者" in page and "市民課" in page and "10%" in page


def test_level_outside_range_is_refused_and_input_kept(client, login, make, db):
    skill = make.skill("法務")
    login(make.user())
    page = _post(client, {"action": "skill", "s-skill_id": skill.id, "s-level": "6"}).get_data(as_text=True)
    assert "レベルは1から5" in page
    assert 'value="6"' in page
    assert db.session.query(Profile).count() == 0 or not db.session.query(Profile).one().skills


def test_period_ending_before_it_starts_is_refused(client, login, make, db):
    login(make.user())
    page = _post(client, {"action": "career", "h-section_name": "広報課", "h-started_on": "2020-04-01", "h-ended_on": "2019-03-31"}).get_data(as_text=True)
    assert "期間の終了" in page and 'value="広報課"' in page
    assert all(not p.career for p in db.session.query(Profile))


def test_time_share_over_100_is_refused(client, login, make, db):
    login(make.user())
    page = _post(client, {"action": "profile", "p-time_share": "150", "p-skills_visibility": "everyone", "p-certifications_visibility": "everyone",
                          "p-career_visibility": "everyone", "p-achievements_visibility": "everyone", "p-availability_visibility": "everyone",
                          "p-achievements": "書きかけ"}).get_data(as_text=True)
    assert "100%" in page and "書きかけ" in page
    assert all(p.time_share == 0 for p in db.session.query(Profile))


def test_admin_manages_the_skill_taxonomy(client, login, make, db):
    from tracker.talent.services import resolve_skill

    login(make.admin())
    token = csrf_token(client, "/talent/skills/new")
    response = client.post("/talent/skills/new", data={"csrf_token": token, "name": "ノーコード", "category": "デジタル", "synonyms": "ローコード, kintone"})
    assert response.status_code == 302
    assert resolve_skill("ＫＩＮＴＯＮＥ").name == "ノーコード"
    page = client.post("/talent/skills/new", data={"csrf_token": token, "name": "ノーコード"}).get_data(as_text=True)
    assert "既に" in page
    login(make.user())
    assert client.get("/talent/skills").status_code == 403
