"""Uploading, setting up and running a CSV import of tickets. Every row becomes a ticket through the ticket
service (its workflow, permissions, journal and notifications), as the importing user; a row that cannot be
imported is reported with its row number, column and the reason, in the user's language.

"Import the valid rows" keeps the good rows and reports the others; "all or nothing" imports nothing unless
every row is valid (the rows are still all tried, so that the report lists every problem at once)."""
from __future__ import annotations

from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.imports import reading
from tracker.imports.fields import RowReader, all_fields, default_mapping
from tracker.imports.models import TicketImport
from tracker.tickets import services as ticket_services
from tracker.wg.models import WorkingGroup


def _readable(data: bytes, settings: dict) -> reading.Table:
    try:
        return reading.read(data, settings)
    except reading.UnreadableFile as error:
        raise ServiceError(str(error)) from None


def upload(user, filename: str, data: bytes, wg: WorkingGroup | None) -> TicketImport:
    """A new import of ``data`` by ``user``, with settings guessed from the file (encoding, separator)."""
    try:
        reading.check_upload(data)
    except reading.UnreadableFile as error:
        raise ServiceError(str(error)) from None
    if wg is not None and not wg.allows(user, "add_issues"):
        raise ServiceError(_("You may not create tickets in this WG."))
    item = TicketImport(user_id=user.id, wg_id=wg.id if wg else None, filename=(filename or "import.csv")[:255],
                        content=data, settings=reading.guess_settings(data), mapping={}, result={}, state="new")
    db.session.add(item)
    db.session.flush()
    return item


def save_settings(user, item: TicketImport, settings: dict) -> reading.Table:
    """Keep the settings if the file reads with them (else nothing changes and the reason is given)."""
    _check_owner(user, item)
    clean = {
        "separator": settings.get("separator") if settings.get("separator") in reading.SEPARATORS else ",",
        "wrapper": settings.get("wrapper") if settings.get("wrapper") in reading.WRAPPERS else '"',
        "encoding": settings.get("encoding") if settings.get("encoding") in reading.ENCODINGS else "UTF-8",
        "date_format": settings.get("date_format") if settings.get("date_format") in reading.DATE_FORMATS else "%Y-%m-%d",
    }
    table = _readable(item.content, clean)
    item.settings = clean
    item.rows = len(table.rows)
    if not item.mapping.get("fields"):
        wg = db.session.get(WorkingGroup, item.wg_id) if item.wg_id else None
        item.mapping = {"fields": default_mapping(table.header, all_fields(wg) if wg else []), "all_or_nothing": False}
    return table


def save_mapping(user, item: TicketImport, wg: WorkingGroup | None, fields: dict[str, int], all_or_nothing: bool) -> None:
    _check_owner(user, item)
    if wg is None or not wg.allows(user, "add_issues"):
        raise ServiceError(_("Choose a WG where you may create tickets."))
    if "subject" not in fields:
        raise ServiceError(_("Choose the column of the subject."))
    item.wg_id = wg.id
    item.mapping = {"fields": fields, "all_or_nothing": bool(all_or_nothing)}
    item.state = "mapped"


def run(user, item: TicketImport) -> TicketImport:
    """Create a ticket per row; the result (created tickets, errors per row) is kept on the import."""
    _check_owner(user, item)
    if item.state == "done":
        raise ServiceError(_("This import has already run. Upload the file again to import it again."))
    wg = db.session.get(WorkingGroup, item.wg_id) if item.wg_id else None
    if wg is None or not wg.allows(user, "add_issues") or not item.mapping.get("fields"):
        raise ServiceError(_("Choose a WG where you may create tickets."))
    table = _readable(item.content, item.settings)
    fields = {key: int(index) for key, index in item.mapping["fields"].items()}
    reader = RowReader(wg, table.header, fields, item.settings.get("date_format", "%Y-%m-%d"))
    all_or_nothing = bool(item.mapping.get("all_or_nothing"))
    errors: list[dict] = []
    created: list[int] = []
    everything = db.session.begin_nested()  # undone as a whole when "all or nothing" meets an invalid row
    for number, row in enumerate(table.rows, start=2):  # the file's first line is the header: row 1
        values, problems = reader.values(row)
        if not problems:
            one = db.session.begin_nested()
            try:
                created.append(ticket_services.create_ticket(user, wg, values).id)
                one.commit()
            except ServiceError as error:
                one.rollback()
                problems = [("", message) for message in error.messages]
        errors += [{"row": number, "column": column, "message": str(message)} for column, message in problems]
    imported = not (all_or_nothing and errors)
    if imported:
        everything.commit()
    else:
        everything.rollback()
        created = []
    item.result = {"created": created, "errors": errors, "imported": imported, "rows": len(table.rows)}
    item.state = "done"
    item.finished_at = utcnow()
    return item


def _check_owner(user, item: TicketImport) -> None:
    if item.user_id != user.id:
        raise ServiceError(_("This import is someone else's."))
