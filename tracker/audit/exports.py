"""The audit log as CSV for Excel: UTF-8 with a BOM, formula-safe cells (tracker.core.exports), streamed in
batches so that a year of entries never sits in memory."""
from __future__ import annotations

import io
import json

from tracker.audit.queries import AuditQuery, Labels, actor_names, local_time
from tracker.core.exports import csv_writer
from tracker.core.translation import gettext as _

BOM = "\ufeff"


def header() -> list[str]:
    return [_("ID"), _("Time"), _("Login"), _("User"), _("Address"), _("Action"), _("Action code"),
            _("Object type"), _("Object ID"), _("WG ID"), _("Changes"), _("Notes"), _("Details")]


def csv_chunks(query: AuditQuery):
    """The CSV text in pieces: the BOM and header first, then one piece per batch of entries."""
    out = io.StringIO()
    writer = csv_writer(out)
    writer.writerow(header())
    yield BOM + out.getvalue()
    labels = Labels()
    for rows in query.batches():
        names = actor_names(row.actor_id for row in rows)
        out = io.StringIO()
        writer = csv_writer(out)
        for row in rows:
            writer.writerow([
                row.id, local_time(row.created_at), row.actor_login, names.get(row.actor_id, ""), row.address or "",
                labels.action(row.action), row.action, labels.object_type(row.object_type), row.object_id or "",
                row.wg_id or "", labels.changes(row.object_type, row.changes, display=False, width=None),
                row.notes or "", json.dumps(row.details, ensure_ascii=False, sort_keys=True) if row.details else "",
            ])
        yield out.getvalue()
