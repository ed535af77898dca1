"""Migration 0160 moves the charter journal and the idea journal into the audit log, on SQLite and PostgreSQL:
every old row becomes an entry with its time, actor and old → new, the 履歴 sections show them (the author of an
anonymous post still hidden), and the downgrade gives every row back."""
from __future__ import annotations

import os
from datetime import date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from tests.conftest import TEST_PASSWORD, _Client, csrf_token
from tests.factories import _hashed
from tracker import create_app

BEFORE, AFTER = "0150_audit_entries", "0160_history_charter_ideas"
T0 = datetime(2024, 4, 1, 9, 30, 15, 123456, tzinfo=timezone.utc)


def _pg_url() -> str:
    url = os.environ.get("TRACKER_TEST_DATABASE_URL", "")
    return os.environ.get("TRACKER_TEST_PG_URL") or (url if url.startswith("postgresql") else
                                                      "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrating_app(request, tmp_path):
    """An app on an empty database of its own (a file, or a schema of its own on PostgreSQL)."""
    options, drop_schema = {}, None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrate.db'}"
    else:
        url = _pg_url()
        schema = f"mig0160_{os.getpid()}"
        try:
            admin = sa.create_engine(url, connect_args={"connect_timeout": 3})
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
                connection.exec_driver_sql(f"CREATE SCHEMA {schema}")
        except sa.exc.OperationalError as exc:
            pytest.skip(f"PostgreSQL not reachable at {url}: {exc.__class__.__name__}")
        options = {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": f"-csearch_path={schema}"}}}

        def drop_schema():
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            admin.dispose()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path / "uploads"), SERVER_NAME="localhost",
                     **options)
    app.test_client_class = _Client
    yield app
    from tracker.extensions import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop_schema:
        drop_schema()


def _insert(connection, table_name: str, /, **values) -> int:
    """A row of ``name`` as the schema at this revision has it: columns that must be filled and were not given
    get a plain value (so the test does not depend on columns later revisions add)."""
    table = sa.Table(table_name, sa.MetaData(), autoload_with=connection)
    for column in table.columns:
        if column.name in values or column.nullable or column.server_default is not None or column.primary_key:
            continue
        try:
            kind = column.type.python_type
        except NotImplementedError:
            kind = str
        values[column.name] = {bool: False, int: 0, datetime: T0, date: T0.date(), dict: {}, list: []}.get(kind, "")
    return connection.execute(sa.insert(table).values(**values)).inserted_primary_key[0]


def _legacy(connection, name: str) -> list[tuple]:
    table = sa.Table(name, sa.MetaData(), autoload_with=connection)
    rows = connection.execute(sa.select(table).order_by(table.c.id)).mappings().all()
    moment = lambda value: value.replace(tzinfo=value.tzinfo or timezone.utc)  # noqa: E731  SQLite's are naive
    return [tuple(moment(v) if isinstance(v, datetime) else v for k, v in row.items() if k != "id") for row in rows]


def test_charter_and_idea_journals_become_history_and_come_back(migrating_app):
    from flask_migrate import downgrade, upgrade

    from tracker.core.audit import AuditEntry
    from tracker.extensions import db

    app = migrating_app
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as c:
            leader = _insert(c, "users", login="honma", name="本間 太郎", email="honma@example.lg.jp", active=True,
                             password_hash=_hashed(TEST_PASSWORD))
            author = _insert(c, "users", login="tokumei", name="匿名 希望", email="tokumei@example.lg.jp", active=True)
            _insert(c, "users", login="viewer", name="閲覧 職員", email="viewer@example.lg.jp", active=True,
                             password_hash=_hashed(TEST_PASSWORD))
            department = _insert(c, "departments", name="市民部")
            section = _insert(c, "sections", department_id=department, name="市民課")
            wg = _insert(c, "working_groups", identifier="mynumber-card", name="マイナンバーカードWG", is_public=True)
            charter = _insert(c, "charters", wg_id=wg, phase="planning")
            idea = _insert(c, "ideas", kind="idea", title="窓口の予約制", category="work", author_id=author,
                           anonymous=True, state="reviewing", section_id=section)
            charter_rows = [
                (leader, "purpose", "", "市民の利便性を向上させる"),
                (leader, "responsible", "", "本間 太郎（①普及促進）\n谷田 次郎"),
                (leader, "stakeholder_sections", "市民課", "市民課、未来政策課"),
                (None, "phase", "launch", "planning"),  # the account that did it is gone (SET NULL)
                (leader, "nature", "未知の取り組み\r\n実績あり", "未知の取り組み"),
            ]
            for n, (user, item, old, new) in enumerate(charter_rows):
                _insert(c, "charter_changes", charter_id=charter, user_id=user, created_at=T0 + timedelta(minutes=n),
                        item=item, old_value=old, new_value=new)
            idea_rows = [
                (author, "created", None, "窓口の予約制"),
                (author, "title", "予約", "窓口の予約制"),
                (author, "anonymous", "False", "True"),
                (author, "comment", None, "5"),
                (leader, "state", "new", "reviewing"),
                (leader, "section_id", None, str(section)),
                (leader, "note", None, "運用を開始しました"),
                (leader, "merged_into", None, "7"),
                (leader, "wg_id", None, "mynumber-card"),
            ]
            for n, (user, field, old, new) in enumerate(idea_rows):
                _insert(c, "idea_journals", idea_id=idea, user_id=user, created_at=T0 + timedelta(hours=1, minutes=n),
                        field=field, old_value=old, new_value=new)
            before = {"charter_changes": _legacy(c, "charter_changes"), "idea_journals": _legacy(c, "idea_journals")}

        upgrade()  # to the head: the pages below need the schema the models have
        assert not sa.inspect(db.engine).has_table("charter_changes")
        assert not sa.inspect(db.engine).has_table("idea_journals")
        entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
        charter_entries = [e for e in entries if e.object_type == "charter"]
        idea_entries = [e for e in entries if e.object_type == "idea"]
        assert len(charter_entries) == len(charter_rows) and len(idea_entries) == len(idea_rows)  # one per row
        first = charter_entries[0]
        assert (first.action, first.object_id, first.wg_id, first.actor_id, first.actor_login) == (
            "charter.update", charter, wg, leader, "honma")
        assert [e.created_at for e in charter_entries] == [T0 + timedelta(minutes=n) for n in range(len(charter_rows))]
        assert [e.changes for e in charter_entries] == [
            [["purpose", None, "市民の利便性を向上させる"]],
            [["responsible", None, ["本間 太郎（①普及促進）", "谷田 次郎"]]],
            [["stakeholder_sections", ["市民課"], ["市民課", "未来政策課"]]],
            [["phase", "launch", "planning"]],
            [["nature", "未知の取り組み\r\n実績あり", "未知の取り組み"]],
        ]
        assert (charter_entries[3].actor_id, charter_entries[3].actor_login) == (None, "")
        assert idea_entries[0].action == "idea.create" and idea_entries[0].changes == [["title", None, "窓口の予約制"]]
        assert [e.changes for e in idea_entries[1:]] == [
            [["title", "予約", "窓口の予約制"]], [["anonymous", False, True]], [["comment", None, 5]],
            [["state", "new", "reviewing"]], [["section_id", None, section]], [],
            [["merged_into_id", None, 7]], [["wg_id", None, "mynumber-card"]],
        ]
        assert idea_entries[6].notes == "運用を開始しました"
        assert {e.actor_login for e in idea_entries} == {"tokumei", "honma"}
        db.session.remove()

    client = app.test_client()
    response = client.post("/login", data={"login": "viewer", "password": TEST_PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302
    history = client.get("/projects/mynumber-card/charter").get_data(as_text=True).split('class="history"')[1]
    assert "本間 太郎" in history and "事業の目的" in history and "市民の利便性を向上させる" in history
    assert "本間 太郎（①普及促進）、谷田 次郎" in history and "市民課、未来政策課" in history
    assert "立ち上げ" in history and "プランニング" in history  # the phase by its label
    history = client.get(f"/ideas/{idea}").get_data(as_text=True).split('class="history"')[1]
    assert "匿名" in history and "匿名 希望" not in history  # the anonymous author stays anonymous
    assert "本間 太郎" in history and "市民課" in history and "運用を開始しました" in history
    assert "予約" in history and "#7" in history and "mynumber-card" in history

    with app.app_context():
        downgrade(revision=BEFORE)
        with db.engine.connect() as c:
            assert {"charter_changes": _legacy(c, "charter_changes"), "idea_journals": _legacy(c, "idea_journals")} == before
            assert c.scalar(sa.text("SELECT count(*) FROM audit_entries WHERE object_type IN ('charter', 'idea')")) == 0
        upgrade(revision=AFTER)  # and up again: the same entries, not twice
        moved = sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.object_type.in_(["charter", "idea"]))
        assert db.session.scalar(moved) == len(charter_rows) + len(idea_rows)
        db.session.remove()
