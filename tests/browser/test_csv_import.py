"""A WG member imports tickets from a Shift_JIS CSV that Excel saved: from the ticket list's Import link
through the settings and the field mapping to the result, which lists the row that could not be imported."""
from pathlib import Path

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.extensions import db

SHOTS = Path("/tmp/shots-importer")


def _member_in_a_wg(server):
    from sqlalchemy import select

    from tracker.wg.models import Role
    from tracker.wg.services import add_member, create_wg

    with server.app.app_context():
        user = User(login="izumi", name="泉 由美", email="izumi@example.lg.jp", password_hash=hash_password(TEST_PASSWORD))
        db.session.add(user)
        db.session.flush()
        wg = create_wg(identifier="mynumber-card", name="マイナンバーカード普及・活用WG", description="")
        add_member(None, wg, user, [db.session.scalar(select(Role).where(Role.name == "メンバー"))])
        db.session.commit()


def test_member_imports_a_shift_jis_csv(live_server, page, tmp_path):
    SHOTS.mkdir(exist_ok=True)
    _member_in_a_wg(live_server)
    csv_file = tmp_path / "チケット一覧.csv"
    csv_file.write_bytes(("トラッカー,ステータス,優先度,題名,担当者,期日\r\n"
                          "タスク,新規,通常,出張申請の拡充,izumi,2026/09/30\r\n"
                          "タスク,新規,通常,窓口の混雑緩和,,2026/10/31\r\n"
                          "タスク,保留中,通常,ステータスが違う行,,\r\n").encode("cp932"))
    browser_login(page, live_server, "izumi", TEST_PASSWORD)
    page.goto(f"{live_server.url}/projects/mynumber-card/issues")
    with page.expect_navigation():
        page.click("a[href$='/issues/imports/new']")
    page.set_input_files("input[type=file]", str(csv_file))
    page.screenshot(path=str(SHOTS / "1-upload.png"), full_page=True)
    with page.expect_navigation():
        page.click("button.primary")

    # the settings were guessed from the file: Shift_JIS, dates as Excel writes them
    assert page.input_value("select[name=encoding]") == "CP932"
    assert page.input_value("select[name=date_format]") == "%Y/%m/%d"
    page.screenshot(path=str(SHOTS / "2-settings.png"), full_page=True)
    with page.expect_navigation():
        page.click("button.primary")

    # Redmine's column names are mapped to the fields; the preview shows the file decoded
    assert page.input_value("select[name='fields[subject]']") == "3"
    assert page.input_value("select[name='fields[due_date]']") == "5"
    assert "出張申請の拡充" in page.inner_text("table.import-preview")
    page.check("input[name=all_or_nothing][value='0']")
    page.screenshot(path=str(SHOTS / "3-mapping.png"), full_page=True)
    with page.expect_navigation():
        page.click("button[name=action][value=import]")

    page.screenshot(path=str(SHOTS / "4-result.png"), full_page=True)
    assert "2" in page.inner_text("p.flash")
    errors = page.inner_text("table.import-errors")
    assert "4" in errors and "ステータス" in errors and "保留中" in errors
    with page.expect_navigation():
        page.click("li:has-text('出張申請の拡充') >> a")
    assert "出張申請の拡充" in page.inner_text("h2.subject")
    page.goto(f"{live_server.url}/projects/mynumber-card/issues")
    listed = page.inner_text("table.issues")
    assert "出張申請の拡充" in listed and "窓口の混雑緩和" in listed and "ステータスが違う行" not in listed
