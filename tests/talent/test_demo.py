from sqlalchemy import select

from tracker.accounts.models import User
from tracker.cli import main
from tracker.talent.models import Engagement, EngagementStatus, HelpRequest, Profile, RequestStatus
from tracker.talent.queries import candidates


def test_demo_talent_bank(app, db):
    runner = app.test_cli_runner()
    assert runner.invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    profiles = db.session.query(Profile).count()
    assert profiles >= 39
    assert runner.invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    assert db.session.query(Profile).count() == profiles and db.session.query(HelpRequest).count() == 4
    data_help = db.session.scalar(select(HelpRequest).where(HelpRequest.wg.has(identifier="public-private-data")))
    assert data_help.status == RequestStatus.OPEN
    yachida = db.session.scalar(select(User).where(User.login == "yachida"))
    found = candidates(data_help, yachida)
    assert found and all(any("データ分析" in r or "統計" in r or "GIS" in r for r in c.reasons) for c in found)
    tanaka = db.session.scalar(select(Engagement).where(Engagement.user.has(login="tanaka")))
    assert tanaka.status == EngagementStatus.PENDING


def test_demo_pages(app, db, client, login):
    app.test_cli_runner().invoke(main, ["demo"], catch_exceptions=False)
    password = app.config["DEMO_PASSWORD"]
    users = {u.login: u for u in db.session.scalars(select(User))}
    data_help = db.session.scalar(select(HelpRequest).where(HelpRequest.wg.has(identifier="public-private-data")))
    login(users["yachida"], password)
    nav = client.get("/talent").get_data(as_text=True)
    assert "人材バンク" in nav and "官民データ活用WG" in nav
    page = client.get(f"/talent/requests/{data_help.id}").get_data(as_text=True)
    assert "候補者" in page and "課長の承認待ち" in page
    assert client.get("/talent?q=レセプト").status_code == 200
    login(users["kato"], password)
    assert "田中 美咲" in client.get("/talent/approvals").get_data(as_text=True)
    login(users["hr"], password)
    assert "林 慎吾" in client.get("/talent/approvals").get_data(as_text=True)  # no chief in 産業政策課: HR approves
    for path in ("/talent/import", "/talent/requests", "/talent/requests/new", f"/talent/people/{users['tanaka'].id}", "/talent/me/edit"):
        assert client.get(path).status_code == 200, path
    login(users["admin"], password)
    assert "データ分析" in client.get("/talent/skills").get_data(as_text=True)
