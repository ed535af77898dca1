from datetime import date

from tests.conftest import csrf_token
from tracker.core import events
from tracker.extensions import db
from tracker.kpi.models import KpiMeasurement, WgKpi
from tracker.kpi.services import check_overdue_measurements
from tracker.kpi.status import status


def _kpi(make, **fields):
    fields = {"name": "市民の90%がマイナンバーカードを保有する", "target_value": 90, "baseline_value": 30,
              "baseline_date": date(2025, 4, 1), "target_fiscal_year": 2026, **fields}
    return make.kpi(**fields)


def _measure(kpi, value, day):
    db.session.add(KpiMeasurement(kpi_id=kpi.id, value=value, as_of=day))
    db.session.flush()
    db.session.refresh(kpi)


def test_status_follows_the_trajectory_to_the_target(make):
    kpi = _kpi(make)
    assert status(kpi) == "unknown"
    _measure(kpi, 50, date(2026, 4, 1))  # half-way in time: expected 60
    assert status(kpi) == "behind"
    _measure(kpi, 70, date(2026, 5, 1))
    assert status(kpi) == "on_track"
    _measure(kpi, 91, date(2026, 10, 1))
    assert status(kpi) == "achieved"


def test_register_shows_behind_kpis_in_red_with_target_and_current(client, make, login):
    kpi = _kpi(make, target_label="90%", plan_priority="2 マイナンバーカードの普及・活用")
    _measure(kpi, 37.8, date(2026, 8, 1))
    login(make.user())
    page = client.get("/kpis").get_data(as_text=True)
    row = page.split("2 マイナンバーカードの普及・活用")[0].rsplit("<tr", 1)[1]
    assert "behind" in row
    assert "37.8%" in page and "遅れ" in page and "2026年度" in page
    assert "30%" in page and "E+" not in page  # the baseline as people write it


def test_kpi_page_has_an_inline_svg_chart(client, make, login):
    kpi = _kpi(make)
    _measure(kpi, 45, date(2026, 1, 1))
    login(make.user())
    page = client.get(f"/kpis/{kpi.id}").get_data(as_text=True)
    assert "<svg" in page and "<polyline" in page and "2026年1月1日: 45%" in page


def test_the_kpi_chart_reads_ticks_legend_labelled_points_fiscal_years_and_a_table(client, make, login):
    import re

    kpi = _kpi(make)
    _measure(kpi, 45, date(2026, 1, 1))
    _measure(kpi, 52.5, date(2026, 7, 1))
    login(make.user())
    page = client.get(f"/kpis/{kpi.id}").get_data(as_text=True)
    start = page.index("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"kpi-chart\"")
    chart = page[start:page.index("</svg>", start)]
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", chart)
    assert "実績" in texts and "目標ライン" in texts  # the legend
    assert {"2025年度", "2026年度"} <= set(texts)  # the x axis by fiscal year, as the filters write it (西暦 by default)
    assert not any(re.fullmatch(r"\d{4}(-\d\d-\d\d)?", t) for t in texts)  # no bare 2026 or ISO date
    assert {"0", "20", "40", "60", "80", "100"} <= set(texts)  # round y ticks
    assert {"30", "45", "52.5"} <= set(texts)  # each point labelled
    assert "90%" in texts  # the target at the end of the target line
    table = page[page.index('id="kpi-chart-data"'):]
    assert "2026年7月1日" in table and "52.5" in table and "2026年度" in table
    assert 'aria-describedby="kpi-chart-data"' in chart


def test_dx_office_records_measurements_future_or_empty_refused(client, make, login):
    kpi = _kpi(make)
    login(make.user(org_roles=["dx_office"]))
    url = f"/kpis/{kpi.id}"
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "value": "", "as_of": "2026-01-01",
                                  "source": "住民基本台帳"}, follow_redirects=True).get_data(as_text=True)
    assert "値を入力してください" in page and 'value="住民基本台帳"' in page
    page = client.post(url, data={"csrf_token": csrf_token(client, url), "value": "40", "as_of": "2099-01-01"},
                       follow_redirects=True).get_data(as_text=True)
    assert "未来の日付" in page
    assert db.session.query(KpiMeasurement).count() == 0
    client.post(url, data={"csrf_token": csrf_token(client, url), "value": "40.5", "as_of": "2026-01-01"})
    assert [float(m.value) for m in db.session.query(KpiMeasurement)] == [40.5]


def test_other_staff_cannot_record_measurements(client, make, login):
    kpi = _kpi(make)
    login(make.user())
    url = f"/kpis/{kpi.id}"
    token = csrf_token(client, url)
    assert client.post(url, data={"csrf_token": token, "value": "40", "as_of": "2026-01-01"}).status_code == 403


def test_overdue_measurement_check_reports_once(make):
    office = make.user(org_roles=["dx_office"])
    kpi = _kpi(make, measurement_interval_days=90)
    heard = []
    events.subscribe(heard.append)
    try:
        assert check_overdue_measurements(today=date(2025, 9, 1)) == 1
        assert check_overdue_measurements(today=date(2025, 9, 2)) == 0
    finally:
        events._subscribers.remove(heard.append)
    (event,) = [e for e in heard if e.kind == "kpi.measurement_overdue"]
    assert office in event.recipients and event.url == f"/kpis/{kpi.id}"
    assert "kpi.measurement_overdue" in events.periodic_checks()


def test_leaders_link_their_wg_to_kpis(client, make, login):
    leader = make.user()
    wg = make.wg(members={leader: "WG責任者"})
    kpi = _kpi(make)
    login(leader)
    url = f"/projects/{wg.identifier}/quarterly"
    client.post(f"/projects/{wg.identifier}/kpis", data={"csrf_token": csrf_token(client, url), "kpi_ids": [str(kpi.id)]})
    assert db.session.query(WgKpi).filter_by(wg_id=wg.id, kpi_id=kpi.id).count() == 1
    assert kpi.name in client.get(url).get_data(as_text=True)


def test_the_dx_office_adds_a_kpi_and_bad_numbers_keep_the_form(client, make, login):
    from tracker.kpi.models import Kpi

    login(make.user(org_roles=["dx_office"]))
    data = {"name": "DX人材育成の好循環を促す仕組みを構築する", "plan_priority": "6 地域社会のDX推進", "unit": "%",
            "target_value": "百", "target_fiscal_year": "2025", "baseline_value": "0", "baseline_date": "2021-04-01"}
    page = client.post("/kpis/new", data={"csrf_token": csrf_token(client, "/kpis/new"), **data},
                       follow_redirects=True).get_data(as_text=True)
    assert "目標値は数値で入力してください" in page and 'value="6 地域社会のDX推進"' in page
    assert db.session.query(Kpi).count() == 0
    page = client.post("/kpis/new", data={"csrf_token": csrf_token(client, "/kpis/new"), **data, "target_value": "100"},
                       follow_redirects=True).get_data(as_text=True)
    assert db.session.query(Kpi).one().target_fiscal_year == 2025 and "2025年度" in page


def test_other_staff_cannot_edit_the_register(client, make, login):
    login(make.user())
    assert client.get("/kpis/new").status_code == 403


def test_a_measurement_appears_in_the_kpi_history_with_who_recorded_it(client, make, login):
    kpi = _kpi(make)
    login(make.user(org_roles=["dx_office"], name="DX 推進"))
    url = f"/kpis/{kpi.id}"
    client.post(url, data={"csrf_token": csrf_token(client, url), "value": "40.5", "as_of": "2026-01-01"})
    history = client.get(url).get_data(as_text=True).split('class="history"')[1]
    assert "DX 推進" in history and "2026-01-01: 40.5" in history
