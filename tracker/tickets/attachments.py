"""Ticket attachments: the ``Attachment`` row of a file kept by the shared storage (``tracker.core.attachments``),
and the audit record of a download from a private ticket."""
from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from tracker.core import attachments as storage, audit
from tracker.core.attachments import Upload, check, upload_from_storage  # noqa: F401 (the feature's names for them)
from tracker.core.filenames import clean_filename
from tracker.core.translation import lazy_gettext as _l
from tracker.tickets.models import Attachment

audit.register_action("attachment.download", _l("File of a private ticket downloaded"), "download")


def safe_filename(name: str) -> str:
    return clean_filename(name)


def store(upload: Upload, author_id: int) -> Attachment:
    """Write the file to disk and return its (unsaved) Attachment row."""
    directory, disk_name = storage.write(upload.data)
    filename = safe_filename(upload.filename)
    content_type = upload.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Attachment(
        filename=filename, disk_directory=directory, disk_filename=disk_name, filesize=len(upload.data),
        content_type=content_type[:255], digest=hashlib.sha256(upload.data).hexdigest(),
        description=(upload.description or "")[:255], author_id=author_id,
    )


def disk_path(attachment: Attachment) -> Path:
    return storage.stored_path(attachment.disk_directory, attachment.disk_filename)


def remove_file(attachment: Attachment) -> None:
    try:
        disk_path(attachment).unlink()
    except FileNotFoundError:
        pass


def remove_after_commit(attachment: Attachment) -> None:
    """Delete the file once the transaction that deletes its row commits (a rollback keeps it)."""
    storage.remove_after_commit(disk_path(attachment))


def download(attachment: Attachment, user):
    """The file as a safe download; one from a private ticket is recorded first (``record_download``)."""
    path = disk_path(attachment)
    if path.is_file():
        record_download(attachment, user)
    return storage.send_download(path, attachment.filename)


def record_download(attachment: Attachment, user) -> None:
    """A download of a file on a private ticket goes into the audit log (issue 12: procurement asks who read
    what), committed at once. This one INSERT into audit_entries is the only write a GET may make; the
    access tests allow exactly it for this route (tests/access/test_url_matrix.py, GET_WRITES_ALLOWED)."""
    from tracker.extensions import db

    ticket = attachment.ticket
    if ticket is None or not ticket.is_private:
        return
    audit.record("attachment.download", actor=user, obj=attachment, object_type="attachment", wg_id=ticket.wg_id,
                 details={"filename": attachment.filename, "ticket_id": ticket.id})
    db.session.commit()
