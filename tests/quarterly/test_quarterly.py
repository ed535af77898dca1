from datetime import date
from io import BytesIO

from openpyxl import load_workbook

from tests.conftest import csrf_token
from tracker.core import events
from tracker.extensions import db
from tracker.quarterly.models import QuarterlyEntry
from tracker.quarterly.services import check_missing_actuals, save_entry


def test_leader_reports_target_and_actual_on_the_wg_tab(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    url = f"/projects/{wg.identifier}/quarterly?year=2026"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "initiative": "未利用食品マッチングシステムの構築",
                                  "fiscal_year": "2026", "quarter": "1", "target": "①システム仕様検討",
                                  "actual": "①システム仕様検討", "status": "done"}, follow_redirects=True).get_data(as_text=True)
    assert "保存しました" in page and "①システム仕様検討" in page
    assert db.session.query(QuarterlyEntry).one().actual == "①システム仕様検討"


def test_an_actual_for_a_quarter_not_started_is_refused(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    url = f"/projects/{wg.identifier}/quarterly?year=2099"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "initiative": "試行", "fiscal_year": "2099",
                                  "quarter": "2", "target": "本格運用", "actual": "本格運用済み", "status": "done"},
                       follow_redirects=True).get_data(as_text=True)
    assert "始まっていない四半期" in page and "本格運用済み" in page
    assert db.session.query(QuarterlyEntry).count() == 0


def test_members_without_the_permission_cannot_report(client, make, login):
    member = make.user()
    wg = make.wg(members={member: "メンバー"})
    login(member)
    url = f"/projects/{wg.identifier}/quarterly"
    token = csrf_token(client, url)
    assert client.post(url, data={"csrf_token": token, "fiscal_year": "2026", "quarter": "1", "target": "x"}).status_code == 403


def _grid_data(make):
    wg = make.wg(name="廃プラスチック類のリサイクルマッチングシステム構築")
    today = date(2026, 11, 22)
    save_entry(None, wg, initiative="群馬県産業廃棄物情報HP検索機能拡充", fiscal_year=2026, quarter=2,
               target="HP改修内容検討・調整", actual="改修内容検討", status="on_track", today=today)
    save_entry(None, wg, initiative="群馬県産業廃棄物情報HP検索機能拡充", fiscal_year=2026, quarter=4,
               target="HP改修作業", today=today)
    return wg


def test_fiscal_year_report_is_gunmas_grid_on_screen_and_in_xlsx(client, make, login):
    _grid_data(make)
    login(make.user())
    page = client.get("/quarterly?year=2026").get_data(as_text=True)
    assert "2026年度" in page and "群馬県産業廃棄物情報HP検索機能拡充" in page
    row = page.split("群馬県産業廃棄物情報HP検索機能拡充")[1]
    assert row.index("HP改修内容検討・調整") < row.index("HP改修作業") < row.index("<td>改修内容検討 ")
    response = client.get("/quarterly.xlsx?year=2026")
    assert response.mimetype.endswith("spreadsheetml.sheet")
    ws = load_workbook(BytesIO(response.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0][3:] == ["1Q", "2Q", "3Q", "4Q"]
    assert rows[1][1] == "群馬県産業廃棄物情報HP検索機能拡充" and rows[1][2] == "目標" and rows[1][4] == "HP改修内容検討・調整"
    assert rows[2][2] == "実績" and rows[2][4] == "改修内容検討" and rows[1][6] == "HP改修作業"


def test_missing_actuals_are_listed_for_the_dx_office_and_leaders_are_told_once(client, make, login):
    from tracker.core.i18n import local_today
    from tracker.quarterly.queries import last_ended_quarter

    quarter = last_ended_quarter(local_today())
    leader = make.user()
    late = make.wg(name="遅れているWG", members={leader: "WG責任者"})
    done = make.wg(name="報告済みWG")
    launching = make.wg(name="立ち上げ中WG")
    make.charter(late, phase="execution")
    make.charter(done, phase="execution")
    make.charter(launching, phase="launch")
    save_entry(None, done, initiative="", fiscal_year=quarter.year, quarter=quarter.quarter, target="試行", actual="試行済み",
               today=local_today())
    heard = []
    events.subscribe(heard.append)
    try:
        assert check_missing_actuals() == 1
        assert check_missing_actuals() == 0
    finally:
        events._subscribers.remove(heard.append)
    (event,) = [e for e in heard if e.kind == "quarterly.actual_missing"]
    assert event.recipients == [leader] and event.wg is late
    login(make.user(org_roles=["dx_office"]))
    listed = client.get("/quarterly/missing").get_data(as_text=True).split('id="missing"')[1]
    assert "遅れているWG" in listed and "報告済みWG" not in listed and "立ち上げ中WG" not in listed


def test_a_cells_edit_link_fills_the_form_to_report_the_actual(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    save_entry(None, wg, initiative="森林クラウドシステム構築", fiscal_year=2026, quarter=1, target="仕様の検討、関係者への周知",
               today=date(2026, 11, 22))
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/quarterly?year=2026").get_data(as_text=True)
    link = page.split("仕様の検討、関係者への周知")[1].split('href="')[1].split('"')[0].replace("&amp;", "&")
    form = client.get(link).get_data(as_text=True).split('id="entry-form"')[1]
    assert 'value="森林クラウドシステム構築"' in form and "仕様の検討、関係者への周知</textarea>" in form
    assert '<option selected value="1">' in form or 'value="1" selected' in form


def test_a_cells_edit_form_shows_the_cells_history(client, make, login):
    leader = make.user(name="群馬 一郎")
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    url = f"/projects/{wg.identifier}/quarterly?year=2026"
    cell = {"initiative": "森林クラウドシステム構築", "fiscal_year": "2026", "quarter": "1", "status": "planned",
            "target": "仕様の検討"}
    client.post(url, data={"csrf_token": csrf_token(client, url), **cell})
    client.post(url, data={"csrf_token": csrf_token(client, url), **cell, "status": "on_track"})
    edit = client.get(f"/projects/{wg.identifier}/quarterly",
                      query_string={"year": "2026", "initiative": "森林クラウドシステム構築", "quarter": "1"})
    history = edit.get_data(as_text=True).split('class="history"')[1]
    assert "群馬 一郎" in history and "予定" in history and "順調" in history
    assert history.count("<li>") >= 2  # the creation and the status change


def test_the_grid_merges_the_wg_cell_over_all_its_initiatives(client, make, login):
    wg = _grid_data(make)
    save_entry(None, wg, initiative="マッチングシステムの試行", fiscal_year=2026, quarter=1, target="要件定義",
               today=date(2026, 11, 22))
    login(make.user())
    page = client.get("/quarterly?year=2026").get_data(as_text=True)
    assert page.count("廃プラスチック類のリサイクルマッチングシステム構築</a>") == 1  # one cell for the WG
    assert 'rowspan="4"><a' in page  # two initiatives, a target and an actual line each
