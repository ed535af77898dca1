"""Every export is in the audit log, found from the URL map rather than from a list: each GET route is
requested (as the administrator, who may take every list) and every answer that is a file of an export type
(CSV, XLSX, iCalendar, PDF) or an attachment must have written exactly one ``export.*`` entry with the list,
the filter and the row count; every other answer none. A new export that does not go through
``tracker.core.exports.send`` fails here."""
from __future__ import annotations

from sqlalchemy import func, select

from tests.access import scenario as sc
from tests.access.test_url_matrix import COVERED, _urls
from tracker.core.audit import AuditEntry
from tracker.core.exports import EXPORT_TYPES

# Downloads of files people uploaded are not lists: the audit log has a "download" category for them.
UPLOADED_FILES = {
    "tickets.download": "a ticket's attachment",
    "ideas.attachment": "an idea's attachment",
}
# The exports this app has today: the test must find at least these, or it is not looking.
KNOWN_EXPORTS = {"tickets.export", "tickets.project_export", "ideas.export", "talent.export", "quarterly.report_xlsx",
                 "meetings.calendar"}
_EXPORT_MIMETYPES = {value.split(";")[0] for value in EXPORT_TYPES.values()}


def _is_export(response) -> bool:
    return response.status_code == 200 and (
        response.mimetype in _EXPORT_MIMETYPES
        or response.headers.get("Content-Disposition", "").startswith("attachment")
    )


def _export_entries_since(db, last_id: int) -> list[AuditEntry]:
    return list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.id > last_id, AuditEntry.action.like("export.%")).order_by(AuditEntry.id)
    ))


RULES = [r for r in COVERED if r.endpoint not in UPLOADED_FILES]


def _problems(url: str, response, entries: list[AuditEntry], admin) -> list[str]:
    if not _is_export(response):
        return [f"{url} is not an export ({response.status_code} {response.mimetype}) but recorded one"] if entries else []
    if len(entries) != 1:
        return [f"{url} ({response.mimetype}) is an export and recorded {len(entries)} audit entries, not 1"]
    entry = entries[0]
    details = entry.details or {}
    if entry.actor_id != admin.id or details.get("list") != entry.action.removeprefix("export."):
        return [f"{url}: entry {entry.action} by {entry.actor_login} with {details}"]
    if not isinstance(details.get("rows"), int) or "filter" not in details:
        return [f"{url}: entry {entry.action} without rows and filter: {details}"]
    return []


def test_every_export_records_one_audit_entry(scenario, clients, module_db):
    admin, client, db = scenario.users[sc.ADMIN], clients[sc.ADMIN], module_db
    problems, found = [], set()
    for rule in RULES:
        for url in _urls(rule, scenario):
            last_id = db.session.scalar(select(func.max(AuditEntry.id))) or 0
            response = client.get(url)
            problems += _problems(url, response, _export_entries_since(db, last_id), admin)
            if _is_export(response):
                found.add(rule.endpoint)
    assert not problems, "\n".join(problems)
    missing = KNOWN_EXPORTS - found
    assert not missing, f"the test did not reach these exports (it is not looking right): {missing}"
