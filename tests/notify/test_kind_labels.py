"""Every kind of notification the code emits is registered, and each registered kind shows a label, not its
dotted key (a notification of kind ``idea.answer_overdue`` once showed exactly that)."""
from __future__ import annotations

import pathlib
import re

import pytest

from tracker.core import events

SOURCE = pathlib.Path(__file__).resolve().parents[2] / "tracker"
# kind="idea.mentioned" in an Event(...), or the kind argument of a helper that builds one (_state_event)
EMITTED = re.compile(r"""(?:kind=|_state_event\([^)]*?)["']([a-z]+\.[a-z_]+)["']""", re.S)


def emitted_kinds() -> set[str]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "Event(" not in text:
            continue
        found.update(match.group(1) for match in EMITTED.finditer(text))
    return found


def test_every_emitted_kind_is_registered(app):
    kinds = emitted_kinds()
    assert "idea.answer_overdue" in kinds and "ticket.updated" in kinds  # the scan finds what it must
    assert sorted(kinds - set(events.kinds())) == []


@pytest.mark.parametrize("kind", sorted(set(events.kinds()) | emitted_kinds()))
def test_a_notification_of_each_kind_shows_its_label(client, login, make, kind):
    from tracker.notify.kinds import kind_label

    user = login(make.user())
    make.notification(user, kind=kind, title="お知らせの件名")
    page = client.get("/my/notifications").get_data(as_text=True)
    assert "お知らせの件名" in page
    assert kind not in page
    with client.application.test_request_context(headers={"Accept-Language": "ja"}):
        assert str(kind_label(kind)) in page
