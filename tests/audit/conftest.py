"""Entries for the audit log's tests, written as the app writes them (audit.record), at a chosen time."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from tracker.accounts.models import OrgRole
from tracker.core import audit
from tracker.core.translation import lazy_gettext as _l

audit.register_action("test.audit_open", _l("Opened"), "admin")
audit.register_action("test.audit_close", _l("Closed"), "auth")


@pytest.fixture
def entry(db):
    """``entry(action, at=datetime, **audit.record kwargs)``: one entry, flushed, so its id is known."""

    def make_entry(action="test.audit_open", *, at: datetime | None = None, **fields):
        recorded = audit.record(action, **fields)
        if at is not None:
            recorded.created_at = at if at.tzinfo else at.replace(tzinfo=timezone.utc)
        db.session.flush()
        return recorded

    return make_entry


@pytest.fixture
def auditor(make):
    return make.user(login="kansa", name="監査 花子", org_roles=[OrgRole.AUDITOR])
