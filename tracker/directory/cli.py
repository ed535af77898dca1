"""``tracker ldap sync [--dry-run]``: bring users and sections up to date with the directory."""
from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext


@click.group("ldap")
def ldap():
    """Active Directory / LDAP."""


@ldap.command("sync")
@click.option("--dry-run", is_flag=True, help="Show what would change, and change nothing.")
@with_appcontext
def sync_command(dry_run):
    """Create, update, move and deactivate users from the directory; print what changed."""
    from tracker.directory.client import DirectoryUnavailable, enabled
    from tracker.directory.services import sync

    if not enabled():
        click.echo("TRACKER_LDAP_URL is not set: there is no directory to sync with.", err=True)
        sys.exit(2)
    try:
        summary = sync(None, dry_run=dry_run)
    except DirectoryUnavailable as error:
        click.echo(f"The directory cannot be reached: {error}. Nothing was changed.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo("Dry run: nothing was changed.")
    for line in summary.lines():
        click.echo(line)
