"""Migration 0120 digests the feed keys that were stored in clear; their feed readers keep working."""
import hashlib

import sqlalchemy as sa

from tracker import create_app


def test_existing_feed_keys_are_digested_and_keep_working(tmp_path):
    from flask_migrate import downgrade, upgrade

    from tracker.extensions import db
    from tracker.tickets.feeds import user_for_key

    url = f"sqlite:///{tmp_path / 'm.db'}"
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=str(tmp_path / "u"))
    with app.app_context():
        upgrade(revision="0080_journal_notes")
        db.session.execute(sa.text(
            "INSERT INTO users (id, login, name, email, active, is_admin, failed_logins, created_at, updated_at) "
            "VALUES (1, 'old', 'Old', 'old@example.jp', 1, 0, 0, '2026-01-01', '2026-01-01')"))
        db.session.execute(sa.text("INSERT INTO feed_keys (user_id, key, created_at) VALUES (1, 'cleartextkey', '2026-01-01')"))
        db.session.commit()
        upgrade(revision="0120_feed_key_digests")
        row = db.session.execute(sa.text("SELECT * FROM feed_keys")).mappings().one()
        assert "key" not in row and row["key_digest"] == hashlib.sha256(b"cleartextkey").hexdigest()
        assert "cleartextkey" not in " ".join(str(v) for v in row.values())
        db.session.remove()
        upgrade()  # the models are the latest schema's: ask them at the head
        user = user_for_key("cleartextkey")
        assert user is not None and user.login == "old"
        db.session.remove()
        downgrade(revision="0080_journal_notes")
        db.engine.dispose()
