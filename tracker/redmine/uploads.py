"""Redmine's two-step attachments: ``POST /uploads.json`` stores the bytes as an attachment that belongs to
no ticket yet and answers a token ("<id>.<sha256>"); creating or updating an issue with
``"uploads": [{"token": ...}]`` attaches it through the tickets service (which journals it)."""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, request
from tracker.core import policy
from tracker.core.translation import gettext as _

from sqlalchemy import select

from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import created, jsonify, no_content, bp, forbidden, invalid, not_found, user
from tracker.tickets import attachments as files
from tracker.tickets import services
from tracker.tickets.models import Attachment


class UsedUploads(list):
    """The pending attachments whose bytes were handed to a service: removed once the ticket has its copy."""

    def discard(self) -> None:
        for attachment in self:
            files.remove_after_commit(attachment)
            db.session.delete(attachment)
        self.clear()


def _pending(token: str, me) -> Attachment | None:
    number, _sep, digest = str(token or "").partition(".")
    if not number.isdigit():
        return None
    attachment = db.session.get(Attachment, int(number))
    if attachment is None or attachment.ticket_id is not None or attachment.author_id != me.id:
        return None
    if digest and digest != attachment.digest:
        return None
    return attachment


def uploads_from(given, me) -> tuple[list[files.Upload], UsedUploads]:
    """The ``uploads`` of an issue body as the service's Upload values; a bad token is 422."""
    uploads, used = [], UsedUploads()
    if not given:
        return uploads, used
    if not isinstance(given, list):
        invalid([_("uploads must be a list of {\"token\": ...}.")])
    for item in given:
        attachment = _pending(item.get("token") if isinstance(item, dict) else None, me)
        if attachment is None:
            invalid([_("An upload token is invalid or was used already.")])
        path = files.disk_path(attachment)
        uploads.append(files.Upload(
            filename=item.get("filename") or attachment.filename,
            data=path.read_bytes() if path.exists() else b"",
            content_type=item.get("content_type") or attachment.content_type,
            description=item.get("description") or attachment.description,
        ))
        used.append(attachment)
    return uploads, used


PENDING_FOR = timedelta(days=1)  # as Redmine: uploads not attached within a day are removed


def prune_pending() -> None:
    """Remove uploads that were never attached to a ticket (rows now, files after the commit)."""
    stale = db.session.scalars(
        select(Attachment).where(Attachment.ticket_id.is_(None), Attachment.created_at < utcnow() - PENDING_FOR)
    )
    for attachment in stale:
        files.remove_after_commit(attachment)
        db.session.delete(attachment)


@bp.post("/uploads.json")
def upload():
    me = user()
    prune_pending()
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    data = request.stream.read(limit + 1)
    filename = request.args.get("filename") or "upload"
    upload_value = files.Upload(filename=filename, data=data, content_type=request.args.get("content_type") or "")
    problems = files.check([upload_value])
    if problems:
        invalid(problems)
    attachment = files.store(upload_value, me.id)
    db.session.add(attachment)
    db.session.commit()
    token = f"{attachment.id}.{attachment.digest}"
    return created({"upload": {"id": attachment.id, "token": token}}, f"/attachments/{attachment.id}.json")


def _visible_attachment(attachment_id: int) -> Attachment:
    me = user()
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or not policy.can(me, "view", attachment):  # AttachmentPolicy
        not_found()
    return attachment


@bp.get("/attachments/<int:attachment_id>.json")
def attachment_show(attachment_id: int):
    return jsonify(attachment=serialize.attachment(_visible_attachment(attachment_id)))


@bp.delete("/attachments/<int:attachment_id>.json")
def attachment_delete(attachment_id: int):
    me = user()
    attachment = _visible_attachment(attachment_id)
    if attachment.ticket is None:
        files.remove_after_commit(attachment)
        db.session.delete(attachment)
        db.session.commit()
        return no_content()
    if not attachment.ticket.editable_by(me):
        forbidden()
    try:
        services.delete_attachment(attachment, me)
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        invalid(error.messages)
    return no_content()
