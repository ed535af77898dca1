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
def ticket_event():
    """An event like the ones the ticket feature emits."""
    from flask_babel import lazy_gettext

    from tracker.core.events import Event

    def build(actor, recipients=(), wg=None, kind="ticket.updated", body="進捗を更新しました。"):
        return Event(
            kind=kind, title=lazy_gettext("A ticket was updated"), url="/issues/42", actor=actor,
            recipients=list(recipients), wg=wg, body=body, data={"ticket_id": 42},
        )

    return build
