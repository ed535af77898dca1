from datetime import date, timedelta

from tests.conftest import csrf_token
from tracker.extensions import db
from tracker.risks.models import Risk


def _data(**fields):
    return {"title": "職員の抵抗感やスキル不足による導入の遅れ", "category": "organisational", "probability": "4",
            "impact": "3", "response": "mitigate", "next_review": "2026-12-01", **fields}


def test_members_register_risks_shown_in_the_matrix(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    url = f"/projects/{wg.identifier}/risks"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), **_data(owner_id=str(member.id))},
                       follow_redirects=True).get_data(as_text=True)
    assert "保存しました" in page
    risk = db.session.query(Risk).one()
    assert (risk.probability, risk.impact, risk.owner_id) == (4, 3, member.id)
    cell = page.split('data-cell="4-3"')[1].split("</td>")[0]
    assert f"#risk-{risk.id}" in cell and "組織的リスク" in page and "軽減" in page


def test_probability_outside_one_to_five_is_refused_keeping_the_input(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    url = f"/projects/{wg.identifier}/risks"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), **_data(probability="6")},
                       follow_redirects=True).get_data(as_text=True)
    assert "発生確率は1〜5で入力してください" in page and "職員の抵抗感やスキル不足" in page
    assert db.session.query(Risk).count() == 0


def test_risks_past_their_review_date_are_flagged(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    db.session.add(Risk(wg_id=wg.id, title="個人情報の漏洩", category="security", probability=2, impact=5,
                        response="avoid", next_review=date.today() - timedelta(days=40)))
    db.session.add(Risk(wg_id=wg.id, title="予算超過", category="financial", probability=2, impact=2,
                        response="accept", next_review=date.today() + timedelta(days=40)))
    db.session.flush()
    login(member)
    page = client.get(f"/projects/{wg.identifier}/risks").get_data(as_text=True)
    assert page.count("見直し期限切れ") == 1
    register = page.split("<h2>リスク一覧</h2>")[1]
    assert "review-overdue" in register.split(">個人情報の漏洩</a>")[1].split("</tr>")[0]


def test_observers_cannot_add_risks(client, make, login):
    observer = make.user()
    wg = make.wg(members={observer: "オブザーバー"})
    login(observer)
    url = f"/projects/{wg.identifier}/risks"
    assert client.post(url, data={"csrf_token": csrf_token(client, url), **_data()}).status_code == 403


def test_editing_a_risk_can_close_it_and_it_leaves_the_matrix(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    risk = Risk(wg_id=wg.id, title="サイバー攻撃", category="security", probability=3, impact=5, response="mitigate",
                next_review=date(2026, 12, 1))
    db.session.add(risk)
    db.session.flush()
    login(member)
    url = f"/projects/{wg.identifier}/risks/{risk.id}"
    client.post(url, data={"csrf_token": csrf_token(client, url), **_data(title="サイバー攻撃", category="security",
                                                                            probability="3", impact="5", closed="y")})
    db.session.refresh(risk)
    assert risk.closed
    page = client.get(f"/projects/{wg.identifier}/risks").get_data(as_text=True)
    assert "サイバー攻撃" not in page.split('data-cell="3-5"')[1].split("</td>")[0]


def test_the_matrix_shows_titles_and_counts_and_levels_are_picked_from_named_steps(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    for title in ("個人情報の漏洩", "ベンダーの撤退"):
        db.session.add(Risk(wg_id=wg.id, title=title, category="security", probability=2, impact=5, response="avoid",
                            next_review=date.today() + timedelta(days=40)))
    db.session.flush()
    login(member)
    page = client.get(f"/projects/{wg.identifier}/risks").get_data(as_text=True)
    cell = page.split('data-cell="2-5"')[1].split("</td>")[0]
    assert "2件" in cell and "個人情報の漏洩" in cell and "ベンダーの撤退" in cell
    form = page.split('<form method="post" novalidate class="grid2"')[1]
    assert form.count('name="probability" type="radio"') == 5 and form.count('name="impact" type="radio"') == 5
    assert "<legend>発生確率（1〜5）</legend>" in form and "5 ほぼ確実" in form and "5 重大" in form
