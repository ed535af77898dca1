"""Attachments: files are stored under UPLOAD_DIR with random names (never in the database), checked
against the size limit before anything is written, and served only as downloads."""
from __future__ import annotations

import hashlib
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import current_app
from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.core import audit
from tracker.core.db import utcnow
from tracker.tickets.models import Attachment

audit.register_action("attachment.download", _l("File of a private ticket downloaded"), "download")


@dataclass
class Upload:
    """A file to attach, as plain values (the API and the web form both build these)."""

    filename: str
    data: bytes
    content_type: str = ""
    description: str = ""


from tracker.core.filenames import clean_filename  # noqa: E402


def upload_from_storage(storage) -> Upload | None:
    """A werkzeug FileStorage as an Upload (reads at most the limit + 1 byte, so the check below works)."""
    if storage is None or not storage.filename:
        return None
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = storage.stream.read(limit + 1)
    return Upload(filename=storage.filename, data=data, content_type=storage.mimetype or "")


def safe_filename(name: str) -> str:
    return clean_filename(name)


def check(uploads: list[Upload]) -> list[str]:
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    problems = []
    for upload in uploads:
        if len(upload.data) > limit:
            problems.append(
                _("%(name)s is too large: files may be up to %(size)s MB.", name=safe_filename(upload.filename),
                  size=limit // (1024 * 1024))
            )
    return problems


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def store(upload: Upload, author_id: int) -> Attachment:
    """Write the file to disk and return its (unsaved) Attachment row."""
    now = utcnow()
    directory = f"{now:%Y}/{now:%m}"
    disk_name = f"{now:%y%m%d%H%M%S}_{secrets.token_hex(8)}"
    path = upload_root() / directory
    path.mkdir(parents=True, exist_ok=True)
    (path / disk_name).write_bytes(upload.data)
    filename = safe_filename(upload.filename)
    content_type = upload.content_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
    return Attachment(
        filename=filename, disk_directory=directory, disk_filename=disk_name, filesize=len(upload.data),
        content_type=content_type[:255], digest=hashlib.sha256(upload.data).hexdigest(),
        description=(upload.description or "")[:255], author_id=author_id,
    )


def disk_path(attachment: Attachment) -> Path:
    return upload_root() / attachment.disk_directory / attachment.disk_filename


def remove_file(attachment: Attachment) -> None:
    try:
        disk_path(attachment).unlink()
    except FileNotFoundError:
        pass


def remove_after_commit(attachment: Attachment) -> None:
    """Delete the file once the transaction that deletes its row commits (a rollback keeps it)."""
    from tracker.extensions import db

    db.session.info.setdefault("tickets_files_to_remove", []).append(disk_path(attachment))


@event.listens_for(Session, "after_commit")
def _remove_files(session) -> None:
    for path in session.info.pop("tickets_files_to_remove", []):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session, previous_transaction) -> None:
    session.info.pop("tickets_files_to_remove", None)


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
