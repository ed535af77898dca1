"""An auditor (監査担当) opens the audit log from the navigation, narrows it to one colleague's risk changes in a
date range, and downloads them as CSV; the download is itself in the log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from tests.browser.conftest import browser_login
from tests.conftest import TEST_PASSWORD
from tracker.accounts.models import OrgRole, User
from tracker.accounts.passwords import hash_password
from tracker.core import audit
from tracker.core.audit import AuditEntry
from tracker.extensions import db

SCREENSHOT = "/tmp/audit_log.png"


def _people_and_entries(server) -> None:
    with server.app.app_context():
        auditor = User(login="kansa", name="監査 花子", email="kansa@example.lg.jp",
                       password_hash=hash_password(TEST_PASSWORD))
        auditor.set_org_roles([OrgRole.AUDITOR])
        tanaka = User(login="tanaka", name="田中 太郎", email="tanaka@example.lg.jp")
        sato = User(login="sato", name="佐藤 次郎", email="sato@example.lg.jp")
        db.session.add_all([auditor, tanaka, sato])
        db.session.flush()
        now = datetime.now(timezone.utc)
        for days, actor, action, title in [
            (1, tanaka, "risk.update", "予算超過のおそれ"), (2, tanaka, "risk.create", "人員不足"),
            (3, sato, "risk.update", "システム停止"), (40, tanaka, "risk.update", "古い変更"),
        ]:
            entry = audit.record(action, actor=actor, object_type="risk", object_id=days, address="192.0.2.10",
                                 changes=[["title", f"{title}（旧）", title]])
            entry.created_at = now - timedelta(days=days)
        db.session.commit()


def test_auditor_filters_the_log_and_downloads_it(live_server, page):
    _people_and_entries(live_server)
    browser_login(page, live_server, "kansa", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("nav a[href='/admin/audit']")
    assert page.locator("table.audit-log tbody tr").count() == 4

    today = datetime.now(timezone.utc).date()
    form = page.locator("form.audit-filters")
    form.locator("input[name=user]").fill("tanaka")
    form.locator("input[name=from]").fill((today - timedelta(days=10)).isoformat())
    form.locator("input[name=to]").fill(today.isoformat())
    form.locator("select[name=action]").select_option("risk.update")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    rows = page.locator("table.audit-log tbody tr")
    assert rows.count() == 1
    row = rows.first.inner_text()
    assert "田中 太郎 (tanaka)" in row and "192.0.2.10" in row and "予算超過のおそれ（旧） → 予算超過のおそれ" in row
    assert "#1" in row
    page.screenshot(path=SCREENSHOT, full_page=True)

    with page.expect_download() as download_info:
        page.click("form[action='/admin/audit/export.csv'] button")
    content = open(download_info.value.path(), encoding="utf-8-sig").read()
    assert "予算超過のおそれ" in content and "システム停止" not in content and "古い変更" not in content
    with live_server.app.app_context():
        exported = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "audit.export"))
        assert exported.actor_login == "kansa"
        assert exported.details["rows"] == 1 and exported.details["filter"]["user"] == "tanaka"
