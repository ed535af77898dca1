"""``tracker ldap sync``: users and sections follow the directory; leavers are deactivated, never deleted."""
from __future__ import annotations

from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.core.audit import AuditEntry
from tracker.core.history import entries_for
from tracker.directory.services import sync


def user(db, login) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))


def staff(directory):
    return {
        "s-abe": directory.add_person("s-abe", "阿部 真", department="総務部", section="情報政策課", title="課長"),
        "s-ito": directory.add_person("s-ito", "伊藤 蘭", department="総務部", section="情報政策課"),
        "s-endo": directory.add_person("s-endo", "遠藤 光", department="福祉部", section="子育て支援課"),
    }


def test_sync_creates_users_and_sections_and_records_each(db, directory):
    staff(directory)
    summary = sync(None)
    assert sorted(summary.created) == ["s-abe", "s-endo", "s-ito"]
    assert user(db, "s-endo").section.full_name == "福祉部 子育て支援課"
    assert "福祉部 子育て支援課" in summary.sections_created
    assert user(db, "s-abe").job_title == "課長"
    run = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "directory.sync"))
    assert run.details["created"] == 3
    assert sync(None).counts()["created"] == 0 and not sync(None).updated  # a second run changes nothing


def test_dry_run_reports_and_changes_nothing(db, directory):
    staff(directory)
    summary = sync(None, dry_run=True)
    assert len(summary.created) == 3
    assert user(db, "s-abe") is None
    assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "user.create")) == 0


def test_april_moves_and_leavers(db, make, directory):
    dns = staff(directory)
    sync(None)
    ito = user(db, "s-ito")
    policy_section = ito.section
    ticket = make.ticket(subject="庁内ネットワーク更新の見積", assigned_section_id=policy_section.id)
    mine = make.ticket(subject="議事録の作成", assigned_to=user(db, "s-endo"))
    directory.move_person(dns["s-ito"], "市民部", "市民課")
    directory.remove_person(dns["s-endo"])
    summary = sync(None)

    ito = user(db, "s-ito")
    assert ito.section.full_name == "市民部 市民課"
    assert summary.moved == [("s-ito", "総務部 情報政策課", "市民部 市民課")]
    endo = user(db, "s-endo")
    assert endo is not None and not endo.active  # deactivated, never deleted
    assert summary.deactivated == ["s-endo"]
    db.session.refresh(mine)
    assert mine.assigned_to_id == endo.id and mine.assigned_to.name == "遠藤 光"  # the ticket keeps their name
    # The section lost a member while a ticket is assigned to it: reported, not reassigned.
    assert ("総務部 情報政策課", 1) in summary.sections_to_review
    db.session.refresh(ticket)
    assert ticket.assigned_section_id == policy_section.id
    shown = entries_for(ito)
    assert [c.label for c in shown[-1].changes] == ["所属（課）"]
    assert (shown[-1].changes[0].old, shown[-1].changes[0].new) == ("総務部 情報政策課", "市民部 市民課")
    assert any("異動: s-ito" in line for line in summary.lines())


def test_a_local_account_with_the_same_login_is_never_taken_over(db, make, directory):
    local = make.user(login="s-local", name="ローカル 管理者")
    directory.add_person("s-local", "別人", department="総務部", section="情報政策課", mail="s-local-dir@city.example")
    summary = sync(None)
    assert ("s-local", "duplicate") in summary.skipped
    db.session.refresh(local)
    assert local.name == "ローカル 管理者" and not local.from_directory


def test_people_without_mail_are_skipped_and_listed(db, directory):
    directory.add_person("s-nomail", "無 郵便", department="総務部", section="情報政策課", mail=None)
    summary = sync(None)
    assert ("s-nomail", "no_mail") in summary.skipped
    assert user(db, "s-nomail") is None
    assert any("s-nomail" in line and "メールアドレス" in line for line in summary.lines())


def test_the_command(app, db, directory):
    staff(directory)
    from tracker.cli import main

    runner = app.test_cli_runner()
    result = runner.invoke(main, ["ldap", "sync", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and "s-abe" in result.output
    assert user(db, "s-abe") is None
    result = runner.invoke(main, ["ldap", "sync"])
    assert result.exit_code == 0, result.output
    assert user(db, "s-abe").from_directory


def test_the_worker_runs_the_sync_on_its_schedule(app, db, directory, monkeypatch):
    from tracker.notify.delivery import run_periodic

    staff(directory)
    monkeypatch.setitem(app.config, "LDAP_SYNC_MINUTES", 60)
    assert "directory.sync" in run_periodic(force=True)
    assert user(db, "s-ito") is not None
