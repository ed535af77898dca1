"""The bell, the notification list, preferences, and the administrators' view of undelivered mail."""
from __future__ import annotations

import threading

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from tracker.core import policy
from tracker.core.requests import load
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import func, select

from tracker.core.layout import AdminTab
from tracker.core.permissions import admin_required
from tracker.core.services import commit_or_flash
from tracker.core.urls import safe_next_url
from tracker.extensions import db
from tracker.notify import kinds, services
from tracker.notify.forms import preferences_form
from tracker.notify.models import FAILED, PENDING, SENDING, SENT, Notification, NotificationPreference, OutboxMessage
from tracker.notify.settings import setting

bp = Blueprint("notify", __name__)
admin_bp = Blueprint("notify_admin", __name__, url_prefix="/admin")
blueprints = [bp, admin_bp]
admin_tabs = [AdminTab("mail", _l("Mail outbox"), "notify_admin.outbox", order=80,
                       description=_l("Notification mail waiting, sent and failed"))]
usernav_widgets = ["notify/_bell.html"]
PAGE_SIZE = 30


@bp.app_context_processor
def bell_context():
    def unread_notifications() -> int:
        if not current_user or not current_user.is_authenticated:
            return 0
        return Notification.unread_count(current_user)

    return {"unread_notifications": unread_notifications}


# In the development server (``make run``) the worker runs in a thread of the web process, started with
# the first request so that the reloader's watching process never starts one.
_thread_lock = threading.Lock()


@bp.before_app_request
def start_worker_thread():
    app = current_app._get_current_object()
    if app.extensions.get("notify_worker") is not None or not setting("NOTIFY_WORKER_THREAD", app):
        return
    with _thread_lock:
        if app.extensions.get("notify_worker") is None:
            from tracker.notify.delivery import Worker

            app.extensions["notify_worker"] = Worker(app).start()


@bp.get("/my/notifications")
@login_required
def index():
    only_unread = request.args.get("filter") == "unread"
    page = max(request.args.get("page", 1, type=int), 1)
    query = select(Notification).where(policy.visible(Notification, current_user))
    if only_unread:
        query = query.where(Notification.read_at.is_(None))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    items = db.session.scalars(
        query.order_by(Notification.created_at.desc(), Notification.id.desc()).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    ).all()
    return render_template(
        "notify/index.html", items=items, only_unread=only_unread, page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1), kind_label=kinds.kind_label,
    )


@bp.get("/my/notifications/<int:notification_id>")
@login_required
def show_notification(notification_id: int):
    """Follow a notification without changing it (a GET never writes): the list opens it with a POST."""
    item = load(Notification, notification_id)
    return redirect(safe_next_url(item.url) or url_for(".index"))


@bp.post("/my/notifications/<int:notification_id>/open")
@login_required
def open_notification(notification_id: int):
    """Open a notification from the list: it counts as read, and the browser goes to what it is about."""
    item = load(Notification, notification_id)
    services.mark_read(current_user, [item.id])
    db.session.commit()
    return redirect(safe_next_url(item.url) or url_for(".index"))


@bp.post("/my/notifications/read")
@login_required
def mark_read():
    ids = request.form.getlist("id", type=int)
    count = services.mark_read(current_user, ids or None)
    db.session.commit()
    if not ids:
        flash(_("All notifications were marked as read."), "success")
    elif count:
        flash(_("The notification was marked as read."), "success")
    return redirect(safe_next_url(request.form.get("next")) or url_for(".index"))


@bp.route("/my/notifications/settings", methods=["GET", "POST"])
@login_required
def settings():
    registered = kinds.registered_kinds()
    pref = NotificationPreference.for_user(current_user.id)
    form = preferences_form(registered, pref)
    if form.validate_on_submit():
        overrides = {kind: field.data for kind, field in form.kind_fields}
        if commit_or_flash(
            lambda: services.save_preferences(current_user, level=form.level.data, email=form.email.data, overrides=overrides),
            _("Your notification settings were saved."),
        ):
            return redirect(url_for(".settings"))
    return render_template("notify/settings.html", form=form)


@admin_bp.get("/mail")
@admin_required
def outbox():
    status = request.args.get("status", FAILED)
    if status not in (FAILED, PENDING, SENDING, SENT):
        status = FAILED
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    order = OutboxMessage.sent_at.desc() if status == SENT else OutboxMessage.id.desc()
    messages = db.session.scalars(select(OutboxMessage).where(OutboxMessage.status == status).order_by(order).limit(200)).all()
    return render_template(
        "notify/admin_outbox.html", messages=messages, status=status, counts=counts,
        statuses=[(FAILED, _("Failed")), (PENDING, _("Waiting")), (SENDING, _("Sending")), (SENT, _("Sent"))],
        smtp_configured=bool(setting("SMTP_URL")), kind_label=kinds.kind_label,
    )


@admin_bp.post("/mail/retry")
@admin_required
def retry():
    ids = request.form.getlist("id", type=int)
    count = services.retry_failed(ids or None)
    db.session.commit()
    flash(_("%(count)d messages will be sent again.", count=count), "success")
    return redirect(url_for(".outbox"))
