"""Activity streams (/activity, /projects/<id>/activity, with Atom feeds) and My page (/my/page)."""
from __future__ import annotations

from datetime import datetime, timedelta

from flask import Response, g, render_template, request, url_for
from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker.core.i18n import local_today
from tracker.core.markdown import render
from tracker.extensions import db
from tracker.tickets import exports
from tracker.tickets.activity import activity as load_activity
from tracker.tickets.blueprint import bp
from tracker.tickets.feeds import feed_key_for, feed_login, make_feed_key
from tracker.tickets.web.presenters import DetailFormatter
from tracker.tickets.models import TimeEntry
from tracker.tickets.query import TicketQuery
from tracker.wg.views import load_wg


def _before() -> datetime | None:
    raw = request.args.get("before", "")
    try:
        return datetime.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _page(wg=None):
    items = load_activity(current_user, wg=wg, before=_before())
    journals = [i.journal for i in items if i.journal is not None]
    key = feed_key_for(current_user)
    older = items[-1].at.isoformat() if len(items) == 50 else None
    return render_template("tickets/activity.html", items=items, wg=wg, formatter=DetailFormatter(journals),
                           older=older, feed_key=key)


@bp.get("/activity")
@login_required
def activity():
    return _page()


@bp.get("/projects/<identifier>/activity")
@login_required
def project_activity(identifier: str):
    return _page(load_wg(identifier, "view_issues"))


def _feed(wg=None):
    user = g.feed_user
    if wg is not None and not wg.allows(user, "view_issues"):
        from flask import abort

        abort(404)
    items = load_activity(user, wg=wg)
    formatter = DetailFormatter([i.journal for i in items if i.journal is not None])
    entries = []
    for item in items:
        t = item.ticket
        if item.journal is None:
            title = f"{t.tracker.name} #{t.id} ({t.status.name}): {t.subject}"
            content = render(t.description)
            entry_id = f"/issues/{t.id}"
        else:
            title = f"{t.tracker.name} #{t.id} ({t.status.name}): {t.subject}"
            details = "".join(f"<li>{formatter.render(d)}</li>" for d in item.journal.details)
            content = (f"<ul>{details}</ul>" if details else "") + str(render(item.journal.notes))
            entry_id = f"/journals/{item.journal.id}"
        entries.append({"id": entry_id, "title": title, "url": item.url, "updated": item.at, "author": item.user.name,
                        "content": content})
    title = f"{wg.name}: {_('Activity')}" if wg else _("Activity")
    url = url_for(".project_activity", identifier=wg.identifier) if wg else url_for(".activity")
    return Response(exports.to_atom(title, url, entries, feed_id=url), mimetype="application/atom+xml")


@bp.get("/activity.atom")
@feed_login
def activity_atom():
    return _feed()


@bp.get("/projects/<identifier>/activity.atom")
@feed_login
def project_activity_atom(identifier: str):
    from tracker.wg.models import WorkingGroup

    wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
    if wg is None or not wg.visible_to(g.feed_user):
        from flask import abort

        abort(404)
    return _feed(wg)


MY_BLOCKS = [
    ("assigned", lambda: _("Tickets assigned to me"), {"assigned_to_id": "me", "status_id": "o", "sort": "priority:desc,due_date"}),
    ("overdue", lambda: _("Overdue tickets assigned to me"), {"assigned_to_id": "me", "due_date": "od", "sort": "due_date"}),
    ("reported", lambda: _("Tickets I reported"), {"author_id": "me", "status_id": "o", "sort": "updated_on:desc"}),
    ("watched", lambda: _("Tickets I watch"), {"watcher_id": "me", "status_id": "o", "sort": "updated_on:desc"}),
]


@bp.get("/my/page")
@login_required
def my_page():
    blocks = []
    for key, title, params in MY_BLOCKS:
        query = TicketQuery.from_params(current_user, MultiDict(params))
        query.per_page = 10
        blocks.append({"key": key, "title": title(), "tickets": query.results(offset=0, limit=10), "count": query.count(),
                       "url": url_for(".index", **params)})
    since = local_today() - timedelta(days=6)
    spent = db.session.scalar(
        select(func.sum(TimeEntry.hours)).where(TimeEntry.user_id == current_user.id, TimeEntry.spent_on >= since)
    )
    return render_template("tickets/my_page.html", blocks=blocks, spent=spent or 0, since=since)


@bp.post("/my/feed_key")
@login_required
def reset_feed_key():
    from flask import flash
    from flask_wtf.csrf import validate_csrf

    from tracker.core.requests import redirect_to

    validate_csrf(request.form.get("csrf_token"))
    make_feed_key(current_user)
    db.session.commit()
    flash(_("A new feed key was made; feed readers with the old one stop working."), "success")
    return redirect_to(request.form.get("back"), url_for(".my_page"))  # the calendar's subscription box comes back
