"""``tracker worker``: deliver the outbox and run the periodic checks until stopped."""
from __future__ import annotations

import signal

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the due jobs, deliver what is due, and exit.")
@click.option("--poll", type=float, default=None, help="Seconds between rounds (default TRACKER_NOTIFY_POLL_SECONDS or 5).")
@with_appcontext
def worker(once, poll):
    """Deliver notification mail and run periodic checks (stop with Ctrl-C or SIGTERM)."""
    from tracker.notify.delivery import Worker, deliver_due, run_periodic
    from tracker.notify.settings import setting

    if not setting("SMTP_URL"):
        click.echo("TRACKER_SMTP_URL is not set: mail stays in the outbox until it is.", err=True)
    if once:
        ran = run_periodic()
        counts = deliver_due()
        click.echo(f"jobs run: {', '.join(ran) or 'none'}; sent {counts['sent']}, "
                   f"to retry {counts['retry']}, failed {counts['failed']}")
        return
    app = current_app._get_current_object()
    runner = Worker(app, poll)

    def stop(signum, frame):
        # Finish the message in hand, then leave: nothing half-sent on a restart.
        runner.stop_event.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    click.echo(f"Notification worker running (poll every {runner.poll:g}s); Ctrl-C to stop.")
    runner.run()
    click.echo("Notification worker stopped.")
