"""The tickets panel of the WG home: open, overdue and closed-this-month counts through the ticket query
(so private tickets count only for who may see them), each linking to the same filter on the ticket list."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import url_for
from werkzeug.datastructures import MultiDict

from tracker.core.i18n import local_today
from tracker.tickets.query.ticket_query import TicketQuery


def ticket_counts(wg, user) -> dict | None:
    if not wg.allows(user, "view_issues"):
        return None
    today = local_today()
    filters = {
        "open": {"status_id": "o"},
        "overdue": {"status_id": "o", "due_date": "od"},
        "closed_this_month": {"status_id": "c", "closed_on": f">={today.replace(day=1).isoformat()}"},
    }
    base = url_for("tickets.project_index", identifier=wg.identifier)
    counts = []
    for key, args in filters.items():
        query = TicketQuery.from_params(user, MultiDict(args), wg=wg)
        counts.append({"key": key, "count": query.count(), "url": f"{base}?{urlencode(args)}"})
    return {"counts": counts}
