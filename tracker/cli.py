"""The ``tracker`` command: Flask's CLI (run, shell, db ...) plus user and demo commands."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import func, select

from tracker import create_app


def _make_app():
    return create_app()


@click.group(cls=FlaskGroup, create_app=_make_app, help="WG Tracker command line.")
def main():
    pass


from tracker.notify.cli import worker  # noqa: E402

main.add_command(worker)

from tracker.audit.cli import audit_group  # noqa: E402

main.add_command(audit_group)

from tracker.directory.cli import ldap  # noqa: E402

main.add_command(ldap)

from flask_migrate.cli import db as db_group  # noqa: E402

main.add_command(db_group)  # here, as the app registers Flask-Migrate only when something migrates


@db_group.command("check")
@with_appcontext
def db_check():
    """Exit 0 when the database is at the latest migration, 1 (and say what to run) when some are pending."""
    from tracker.core.schema import pending_revisions, schema_state

    state = schema_state()
    if state.at_head:
        click.echo(f"Database schema is up to date (revision {', '.join(sorted(state.current))}).")
        return
    pending = pending_revisions(state)
    where = ", ".join(sorted(state.current)) or "empty database"
    click.echo(f"Database schema is behind ({where}); {len(pending)} migration(s) pending: {', '.join(pending)}.",
               err=True)
    click.echo("Run: tracker db upgrade", err=True)
    sys.exit(1)


def require_current_schema() -> None:
    """Stop with what to run, instead of a traceback, when the database has not been migrated."""
    from tracker.core.schema import schema_state
    from tracker.extensions import db

    state = schema_state(db.session.connection())  # the session's own connection: no second writer
    if not state.at_head:
        if state.empty:
            click.echo("Error: the database has no tables yet. Run `tracker db upgrade` first.", err=True)
        else:
            click.echo("Error: the database schema is not the latest. Run `tracker db upgrade` first.", err=True)
        sys.exit(1)


@main.group()
def user():
    """Create users and API keys."""


@user.command("create")
@click.option("--login", required=True)
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--admin", is_flag=True, help="Make the user an administrator.")
@with_appcontext
def user_create(login, name, email, password, admin):
    """Create a user who can log in at once."""
    from tracker.accounts.services import AccountError, create_user_as_admin
    from tracker.extensions import db

    try:
        created = create_user_as_admin(None, via="cli", login=login, name=name, email=email, password=password,
                                       is_admin=admin)
    except AccountError as error:
        db.session.rollback()
        for message in error.messages:
            click.echo(f"Error: {message}", err=True)
        sys.exit(1)
    db.session.commit()
    click.echo(f"Created user {created.login} (id {created.id}){' as administrator' if admin else ''}.")


@user.command("api-key")
@click.argument("login")
@with_appcontext
def user_api_key(login):
    """Print a new API key for LOGIN (the previous key stops working)."""
    from tracker.accounts.models import User
    from tracker.accounts.services import issue_api_key
    from tracker.extensions import db

    found = db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))
    if found is None:
        click.echo(f"Error: no user with login {login!r}.", err=True)
        sys.exit(1)
    key = issue_api_key(found, via="cli")
    db.session.commit()
    click.echo(key)


@user.command("send-reset")
@click.argument("logins", nargs=-1)
@click.option("--without-password", is_flag=True, help="Every active user who has no password yet (after an import).")
@with_appcontext
def user_send_reset(logins, without_password):
    """Queue a password reset mail for LOGINS (or every user without a password) in the outbox."""
    from tracker.accounts import password_reset
    from tracker.accounts.models import User
    from tracker.accounts.services import AccountError
    from tracker.extensions import db

    if not logins and not without_password:
        click.echo("Error: name logins or use --without-password.", err=True)
        sys.exit(2)
    users = list(password_reset.users_without_password()) if without_password else []
    for login in logins:
        found = db.session.scalar(select(User).where(func.lower(User.login) == login.lower()))
        if found is None:
            click.echo(f"Error: no user with login {login!r}.", err=True)
            sys.exit(1)
        users.append(found)
    failed = 0
    for found in dict.fromkeys(users):
        try:
            password_reset.issue(found, from_admin=True)
        except AccountError as error:
            failed += 1
            click.echo(f"{found.login}: {'; '.join(error.messages)}", err=True)
            continue
        click.echo(f"{found.login} <{found.email}>: queued")
    db.session.commit()
    click.echo(f"{len(dict.fromkeys(users)) - failed} password reset mail(s) queued; the worker sends them.")
    if failed:
        sys.exit(1)


@main.command("demo")
@with_appcontext
def demo():
    """Load the demo organisation and data (safe to run again)."""
    from tracker.core.seeding import load_demo

    require_current_schema()
    logins = load_demo()
    click.echo("Demo data loaded. Log in at http://127.0.0.1:5000 with one of:")
    for login, description in logins:
        click.echo(f"  {login:<14} {description}")
    click.echo(f"Password for every demo user: {current_app.config['DEMO_PASSWORD']}")


@main.group("import")
def import_group():
    """Import data from other systems."""


@import_group.command("redmine")
@click.option("--url", required=True, help="The Redmine server, e.g. https://redmine.example.lg.jp")
@click.option("--key", required=True, help="An API key of a Redmine administrator (My account → API access key).")
@click.option("--project", "projects", multiple=True, help="Only this project (identifier); repeat for several.")
@click.option("--dry-run", is_flag=True, help="Read everything and report, but save nothing.")
@click.option("--resume", is_flag=True, help="Continue an interrupted import after the last batch it saved.")
@with_appcontext
def import_redmine(url, key, projects, dry_run, resume):
    """Import users, projects (as WGs), issues and their history from a Redmine server; run again to update.
    Issues are saved in batches; an interrupted import continues with --resume."""
    from tracker.redmine.client import RedmineClient, RedmineError
    from tracker.redmine.importer import Importer

    importer = Importer(RedmineClient(url, key), projects=projects, dry_run=dry_run, resume=resume,
                        progress=lambda message: click.echo(message, err=True))
    try:
        summary = importer.run()
    except RedmineError as error:
        click.echo(f"Error: {error}", err=True)
        click.echo("What was saved before stays; run again with --resume to continue.", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        click.echo("Interrupted. What was saved before stays; run again with --resume to continue.", err=True)
        sys.exit(130)
    for line in summary.lines(dry_run):
        click.echo(line)


@main.command("backup")
@click.argument("destination", type=click.Path(path_type=Path))
@click.option("--keep", type=int, default=0,
              help="When DESTINATION is a folder: keep only this many newest archives there (0: keep all).")
@with_appcontext
def backup_command(destination: Path, keep: int):
    """Write one archive (database, uploads, manifest) to DESTINATION, a .tar.gz file or a folder."""
    from tracker.core import backup
    from tracker.extensions import db

    if not destination.name.endswith(".tar.gz"):
        destination.mkdir(parents=True, exist_ok=True)
    try:
        result = backup.backup(db.engine, Path(current_app.config["UPLOAD_DIR"]), destination)
    except backup.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    rows = sum(t["rows"] for t in result.manifest["tables"].values())
    click.echo(f"Backup written: {result.path} ({len(result.manifest['tables'])} tables, {rows} rows, "
               f"{len(result.manifest['uploads'])} uploads, revision "
               f"{', '.join(result.manifest['database']['alembic_revision'])})")
    if keep and destination.is_dir():
        for removed in backup.prune(destination, keep):
            click.echo(f"Removed old backup {removed}")


@main.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite a database that already holds data (and the uploads).")
@with_appcontext
def restore_command(archive: Path, force: bool):
    """Restore ARCHIVE made by `tracker backup`, then verify integrity, row counts and checksums.

    Stop the web server and the worker first."""
    from tracker.core import backup
    from tracker.extensions import db

    try:
        report = backup.restore(db.engine, Path(current_app.config["UPLOAD_DIR"]), archive, force=force)
    except backup.BackupError as error:
        click.echo(f"Error: {error}", err=True)
        sys.exit(1)
    click.echo(f"Restored and verified: {report.tables} tables, {report.rows} rows, {report.uploads} uploads.")
