"""Files users attach, for every feature: one storage and one safe download.

Files are stored under ``UPLOAD_DIR`` with random names (never in the database, never under the name the user
gave), checked against ``MAX_ATTACHMENT_BYTES`` before anything is written, removed from disk only when the
transaction that deletes their row commits, and served only as downloads: a generic type, ``nosniff`` and a
sandbox, whatever the file claims to be. A feature keeps its own model (tickets' ``Attachment``, ideas'
``IdeaAttachment``) and stores through here."""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from sqlalchemy import event
from sqlalchemy.orm import Session

from tracker.core.db import utcnow
from tracker.core.filenames import clean_filename
from tracker.core.translation import gettext as _


@dataclass
class Upload:
    """A file to attach, as plain values (the API and the web form both build these)."""

    filename: str
    data: bytes
    content_type: str = ""
    description: str = ""


def upload_from_storage(storage) -> Upload | None:
    """A werkzeug FileStorage as an Upload (reads at most the limit + 1 byte, so ``check`` works)."""
    if storage is None or not storage.filename:
        return None
    data = storage.stream.read(max_bytes() + 1)
    return Upload(filename=storage.filename, data=data, content_type=storage.mimetype or "")


def max_bytes() -> int:
    return current_app.config["MAX_ATTACHMENT_BYTES"]


def too_large(filename: str, size: int) -> str | None:
    """The problem with a file of ``size`` bytes, or None."""
    limit = max_bytes()
    if size <= limit:
        return None
    return _("%(name)s is too large: files may be up to %(size)s MB.", name=clean_filename(filename),
             size=limit // (1024 * 1024))


def check(uploads: list[Upload]) -> list[str]:
    return [problem for problem in (too_large(u.filename, len(u.data)) for u in uploads) if problem]


def upload_root() -> Path:
    return Path(current_app.config["UPLOAD_DIR"])


def write(data: bytes, folder: str | None = None) -> tuple[str, str]:
    """Write ``data`` under a random name; returns (folder under UPLOAD_DIR, file name). Without ``folder``
    the file goes in this month's (``2026/12``)."""
    now = utcnow()
    folder = folder if folder is not None else f"{now:%Y}/{now:%m}"
    name = f"{now:%y%m%d%H%M%S}_{secrets.token_hex(8)}"
    path = upload_root() / folder
    path.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(data)
    return folder, name


def stored_path(folder: str, name: str) -> Path:
    return upload_root() / folder / name


def remove_after_commit(path: Path) -> None:
    """Delete the file once the transaction that deletes its row commits (a rollback keeps it)."""
    from tracker.extensions import db

    db.session.info.setdefault("attachment_files_to_remove", []).append(path)


@event.listens_for(Session, "after_commit")
def _remove_files(session) -> None:
    for path in session.info.pop("attachment_files_to_remove", []):
        try:
            path.unlink()
        except FileNotFoundError:
            pass


@event.listens_for(Session, "after_soft_rollback")
def _keep_files(session, previous_transaction) -> None:
    session.info.pop("attachment_files_to_remove", None)


def send_download(path: Path, filename: str):
    """The file as a download, never rendered: a generic type, nosniff, and a sandbox for good measure.
    404 when the file is missing on disk."""
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype="application/octet-stream", as_attachment=True, download_name=filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
