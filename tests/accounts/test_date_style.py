"""個人設定 → 日付の表示: 西暦 (2026年12月2日, 2026年度) or 和暦 (R8年12月2日, R8年度), on every page."""
from datetime import date

from tests.conftest import csrf_token


def _choose(client, user, style):
    token = csrf_token(client, "/my/account")
    return client.post("/my/account", data={"name": user.name, "email": user.email, "language": "",
                                            "date_style": style, "csrf_token": token})


def test_japanese_era_choice_changes_dates_and_fiscal_years(client, make, login):
    user = login(make.user())
    wg = make.wg(members={user: "メンバー"})
    ticket = make.ticket(wg, author=user, due_date=date(2026, 12, 2))
    make.kpi(target_fiscal_year=2026)
    assert "2026年12月2日" in client.get(f"/issues/{ticket.id}").get_data(as_text=True)

    assert _choose(client, user, "japanese").status_code == 302
    assert user.date_style == "japanese"
    page = client.get(f"/issues/{ticket.id}").get_data(as_text=True)
    assert "R8年12月2日" in page and "2026年12月2日" not in page
    assert "R8年度" in client.get("/kpis").get_data(as_text=True)

    _choose(client, user, "western")
    assert "2026年度" in client.get("/kpis").get_data(as_text=True)


def test_the_era_changes_on_its_first_day():
    from tracker.core.era import era_label

    assert era_label(date(2019, 4, 30)) == "H31"
    assert era_label(date(2019, 5, 1)) == "R1"


def test_an_unknown_style_is_refused_and_nothing_changes(client, make, login):
    user = login(make.user())
    page = _choose(client, user, "lunar").get_data(as_text=True)
    assert user.date_style == "western"
    assert "選択" in page or "Not a valid choice" in page or "西暦" in page
