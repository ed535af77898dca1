"""What the Gantt page and its JSON show: the ticket query's tickets as a tree, milestones, arrows, the
critical path, the fiscal-year header with 和暦, Japanese holidays, zoom; nothing the user may not see."""
from datetime import date

from tracker.gantt.critical import Span, critical_path
from tracker.tickets.models import Version


def test_critical_path_is_the_longest_chain_by_dates():
    spans = {
        1: Span(1, date(2026, 4, 1), date(2026, 4, 10)),
        2: Span(2, date(2026, 4, 11), date(2026, 4, 30)),
        3: Span(3, date(2026, 4, 5), date(2026, 4, 12)),
        4: Span(4, date(2026, 5, 1), date(2026, 5, 3)),
        5: Span(5, date(2026, 1, 1), date(2026, 12, 31)),  # long, but chained to nothing
    }
    # 1 → 2 → 4 spans 4/1–5/3; 3 → 4 only 4/5–5/3
    assert critical_path(spans, [(1, 2), (2, 4), (3, 4)]) == [1, 2, 4]
    assert critical_path(spans, []) == []
    assert critical_path(spans, [(1, 99)]) == []  # an undated or hidden ticket is no link


def test_the_chart_draws_the_query_as_a_tree_with_arrows_and_the_critical_path(client, login, plan, make, db):
    child = make.ticket(wg=plan.wg, author=plan.leader, subject="子タスク", parent=plan.build,
                        start_date=date(2026, 4, 14), due_date=date(2026, 4, 20))
    db.session.add(Version(wg_id=plan.wg.id, name="第1期リリース", effective_date=date(2026, 5, 20)))
    db.session.flush()
    login(plan.leader)
    data = client.get("/api/v1/wgs/gantt-wg/gantt").get_json()
    order = [t["id"] for t in data["tickets"]]
    assert order.index(child.id) == order.index(plan.build.id) + 1  # the subtask right under its parent
    assert next(t for t in data["tickets"] if t["id"] == child.id)["depth"] == 1
    assert data["critical_path"] == [plan.design.id, plan.build.id, plan.check.id]
    assert {(r["from"], r["to"]) for r in data["relations"]} == {(plan.design.id, plan.build.id), (plan.build.id, plan.check.id)}
    assert [m["name"] for m in data["milestones"]] == ["第1期リリース"]
    page = client.get("/projects/gantt-wg/gantt").get_data(as_text=True)
    assert page.count('class="arrow precedes critical"') == 2
    assert "第1期リリース" in page and 'class="milestone' in page
    assert f"#{plan.design.id}</a> → <a" in page.replace('">#', '">#')  # the critical path spelled out


def test_the_header_shows_the_fiscal_year_in_wareki_and_the_holidays_are_shaded(client, login, plan):
    login(plan.leader)
    page = client.get("/projects/gantt-wg/gantt?zoom=week&from=2026-03-01&to=2026-05-31").get_data(as_text=True)
    assert "2025年度（令和7年度）" in page and "2026年度（令和8年度）" in page
    assert 'data-date="2026-05-06"' in page  # 振替休日 of 2026 (憲法記念日 on a Sunday)
    assert "こどもの日" in page
    data = client.get("/api/v1/wgs/gantt-wg/gantt?from=2026-04-01&to=2026-05-31").get_json()
    assert {"date": "2026-05-06", "name": "振替休日"} in data["holidays"]
    assert {"date": "2026-04-29", "name": "昭和の日"} in data["holidays"]


def test_zoom_changes_the_scale(client, login, plan):
    login(plan.leader)
    widths = {}
    for zoom in ("week", "month", "quarter"):
        data = client.get(f"/api/v1/wgs/gantt-wg/gantt?zoom={zoom}").get_json()
        widths[zoom] = data["range"]["px_per_day"]
        page = client.get(f"/projects/gantt-wg/gantt?zoom={zoom}").get_data(as_text=True)
        assert f'class="gantt-chart zoom-{zoom}"' in page
    assert widths["week"] > widths["month"] > widths["quarter"]


def test_filters_are_the_ticket_lists(client, login, plan, make):
    closed = make.ticket(wg=plan.wg, author=plan.leader, subject="完了済み", status=make.status("終了"),
                         start_date=date(2026, 4, 1), due_date=date(2026, 4, 2))
    login(plan.leader)
    open_ids = [t["id"] for t in client.get("/api/v1/wgs/gantt-wg/gantt").get_json()["tickets"]]
    all_ids = [t["id"] for t in client.get("/api/v1/wgs/gantt-wg/gantt?status_id=*").get_json()["tickets"]]
    assert closed.id not in open_ids and closed.id in all_ids
    assert client.get("/api/v1/gantt?status_id=nonsense").status_code == 422


def test_private_tickets_stay_hidden_and_their_arrows_too(client, login, plan, make, db):
    from tracker.tickets.models import TicketRelation

    secret = make.ticket(wg=plan.wg, author=plan.leader, subject="非公開の調整", is_private=True,
                         start_date=date(2026, 4, 2), due_date=date(2026, 4, 3))
    db.session.add(TicketRelation(issue_from_id=secret.id, issue_to_id=plan.check.id, relation_type="blocks"))
    db.session.flush()
    login(plan.observer)
    page = client.get("/projects/gantt-wg/gantt").get_data(as_text=True)
    data = client.get("/api/v1/gantt").get_json()
    assert "非公開の調整" not in page and secret.id not in [t["id"] for t in data["tickets"]]
    assert all(r["from"] != secret.id for r in data["relations"])
    assert 'class="bar editable' not in page  # an observer reads the chart
    login(plan.leader)
    assert "非公開の調整" in client.get("/projects/gantt-wg/gantt").get_data(as_text=True)


def test_the_gantt_is_a_wg_tab_and_in_the_navigation(client, login, plan):
    login(plan.leader)
    page = client.get("/projects/gantt-wg/issues").get_data(as_text=True)
    assert 'href="/projects/gantt-wg/gantt"' in page and 'href="/gantt"' in page


def test_a_bad_range_or_zoom_says_so_and_still_draws(client, login, plan):
    login(plan.leader)
    response = client.get("/projects/gantt-wg/gantt?from=2026-13-01&zoom=year")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and page.count("flash-error") == 2 and "設計" in page
    assert client.get("/api/v1/wgs/gantt-wg/gantt?from=2026-06-01&to=2026-04-01").status_code == 422


def test_a_saved_query_can_be_drawn(client, login, plan, make, db):
    from tracker.tickets.models import SavedQuery

    closed = make.ticket(wg=plan.wg, author=plan.leader, subject="完了済みの調査", status=make.status("終了"),
                         start_date=date(2026, 4, 1), due_date=date(2026, 4, 2))
    saved = SavedQuery(name="終了したもの", user_id=plan.leader.id, wg_id=plan.wg.id, visibility="private",
                       params={"set_filter": "1", "status_id": "c"})
    db.session.add(saved)
    db.session.flush()
    login(plan.leader)
    data = client.get(f"/api/v1/wgs/gantt-wg/gantt?query_id={saved.id}").get_json()
    assert [t["id"] for t in data["tickets"]] == [closed.id]
    page = client.get(f"/projects/gantt-wg/gantt?query_id={saved.id}&zoom=week").get_data(as_text=True)
    assert "完了済みの調査" in page and "設計" not in page and "zoom-week" in page
    login(plan.observer)  # someone else's private query
    assert client.get(f"/projects/gantt-wg/gantt?query_id={saved.id}").status_code == 404
