"""``tracker audit prune``: remove audit entries older than TRACKER_AUDIT_RETENTION_DAYS (run it from cron)."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.group("audit")
def audit_group():
    """The audit log."""


@audit_group.command("prune")
@click.option("--dry-run", is_flag=True, help="Only count the entries that would be removed.")
@with_appcontext
def prune_command(dry_run: bool):
    """Delete audit entries older than the retention period (TRACKER_AUDIT_RETENTION_DAYS days)."""
    from tracker.audit import services
    from tracker.cli import require_current_schema

    require_current_schema()
    result = services.prune(dry_run=dry_run)
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    before = result.cutoff.strftime("%Y-%m-%d %H:%M UTC")
    if dry_run:
        click.echo(f"{result.removed} audit entries older than {days} days (before {before}) would be removed.")
    else:
        click.echo(f"Removed {result.removed} audit entries older than {days} days (before {before}).")
