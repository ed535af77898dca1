import pytest

from tests.notify.smtp import SMTPServer


@pytest.fixture
def smtp_server(app, monkeypatch):
    """A real SMTP server on a free port, configured as the app's mail server for this test."""
    server = SMTPServer().start()
    monkeypatch.setitem(app.config, "SMTP_URL", server.url)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ticket_event(make):
    """An event like the ones the ticket feature emits, about a real (public) ticket of ``wg`` (of a new
    public WG when none is given), so that the access policy lets its recipients see it."""
    from flask_babel import lazy_gettext

    from tracker.core.events import Event

    def build(actor, recipients=(), wg=None, kind="ticket.updated", body="進捗を更新しました。", ticket=None):
        ticket = ticket or make.ticket(wg=wg or make.wg(is_public=True), author=actor)
        return Event(
            kind=kind, title=lazy_gettext("A ticket was updated"), url="/issues/42", actor=actor,
            recipients=list(recipients), wg=wg, body=body, subject=ticket, data={"ticket_id": ticket.id},
        )

    return build
