"""Each profile part is visible to everyone, HR only or the owner alone — on the profile page, in search
results, in the XLSX export and in the API."""
import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tracker.accounts.models import OrgRole
from tracker.accounts.services import issue_api_key
from tracker.talent.models import PARTS, Profile


@pytest.fixture
def people(make):
    stats = make.skill("統計")
    owner = make.user(name="統計 好子")
    profile = make.profile(
        owner, skills={stats: 4}, certifications=["統計検定2級"], career=[("税務課", __import__("datetime").date(2018, 4, 1), None)],
        achievements="市民アンケートの集計を自動化", willing_to_help=True, time_share=10,
        skills_visibility="hr", certifications_visibility="only_me", career_visibility="everyone",
        achievements_visibility="hr", availability_visibility="only_me",
    )
    return {
        "skill": stats, "owner": owner, "profile": profile,
        "colleague": make.user(), "hr": make.user(org_roles=[OrgRole.HR]),
    }


def test_rule_per_part(people):
    profile = people["profile"]
    assert profile.visible_parts(people["owner"]) == set(PARTS)
    assert profile.visible_parts(people["hr"]) == {"skills", "career", "achievements"}
    assert profile.visible_parts(people["colleague"]) == {"career"}


def test_sql_rule_agrees_with_python_rule(db, people):
    for viewer in (people["owner"], people["hr"], people["colleague"]):
        for part in PARTS:
            found = db.session.scalar(select(Profile.id).where(Profile.id == people["profile"].id, Profile.part_visible(viewer, part)))
            assert (found is not None) == people["profile"].part_visible_to(viewer, part), (viewer.login, part)


def test_profile_page(client, login, people):
    url = f"/talent/people/{people['owner'].id}"
    login(people["colleague"])
    page = client.get(url).get_data(as_text=True)
    assert "税務課" in page and "統計検定2級" not in page and "アンケート" not in page and 'id="skills"' not in page
    login(people["hr"])
    page = client.get(url).get_data(as_text=True)
    assert 'id="skills"' in page and "アンケート" in page and "統計検定2級" not in page and 'id="availability"' not in page
    login(people["owner"])
    page = client.get(url).get_data(as_text=True)
    assert "統計検定2級" in page and 'id="availability"' in page


def test_search_results(client, login, people):
    skill_query = f"/talent?skill_1={people['skill'].id}&level_1=3"
    login(people["colleague"])
    assert "統計 好子" not in client.get(skill_query).get_data(as_text=True)  # HR-only skills do not match
    assert "統計 好子" not in client.get("/talent?certification=統計検定").get_data(as_text=True)
    assert "統計 好子" not in client.get("/talent?q=アンケート").get_data(as_text=True)
    assert "統計 好子" in client.get("/talent?past_section=税務").get_data(as_text=True)
    login(people["hr"])
    page = client.get(skill_query).get_data(as_text=True)
    assert "統計 好子" in page and "統計 level 4" not in page
    assert "統計 好子" in client.get("/talent?q=アンケート").get_data(as_text=True)
    assert "統計 好子" not in client.get("/talent?certification=統計検定").get_data(as_text=True)


def test_export(client, login, people):
    login(people["colleague"])
    assert client.get("/talent/export.xlsx?past_section=税務").status_code == 403
    login(people["hr"])
    response = client.get("/talent/export.xlsx?past_section=税務")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.values)
    header, row = rows[0], rows[1]
    assert row[header.index("氏名")] == "統計 好子"
    assert "統計 Lv4" in row[header.index("スキル")]  # HR-only part: HR sees it
    assert not row[header.index("資格")]  # only-me part: nobody else
    assert not row[header.index("応援の可否")]


def test_api(client, people):
    url = f"/api/v1/talent/profiles/{people['owner'].id}"
    colleague = client.get(url, headers={"X-Redmine-API-Key": issue_api_key(people["colleague"])}).get_json()["profile"]
    assert "career" in colleague and "skills" not in colleague and "certifications" not in colleague and "availability" not in colleague
    assert "staff_number" not in colleague
    hr = client.get(url, headers={"X-Redmine-API-Key": issue_api_key(people["hr"])}).get_json()["profile"]
    assert hr["skills"][0]["level"] == 4 and "certifications" not in hr and "contributions" in hr
    found = client.get("/api/v1/talent/search?skill=統計:3", headers={"X-Redmine-API-Key": issue_api_key(people["colleague"])}).get_json()
    assert found["total_count"] == 0
    found = client.get("/api/v1/talent/search?skill=統計:3", headers={"X-Redmine-API-Key": issue_api_key(people["hr"])}).get_json()
    assert found["total_count"] == 1 and found["results"][0]["reasons"]
