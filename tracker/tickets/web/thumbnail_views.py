"""Thumbnails of ticket attachments, served only to those the attachment policy lets see the file."""
from __future__ import annotations

from flask import abort, send_file
from flask_login import login_required

from tracker.core.requests import load
from tracker.tickets import thumbnails
from tracker.tickets.blueprint import bp
from tracker.tickets.models import Attachment


@bp.get("/attachments/thumbnail/<int:attachment_id>")
@login_required
def thumbnail(attachment_id: int):
    attachment = load(Attachment, attachment_id)  # AttachmentPolicy: 404 when hidden
    path = thumbnails.thumbnail(attachment)
    if path is None:
        abort(404)
    response = send_file(path, mimetype="image/png", max_age=3600)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
