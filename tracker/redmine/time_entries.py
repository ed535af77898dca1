"""``/time_entries.json`` through the tickets feature's time log service and TimeEntry.visible(user)."""
from __future__ import annotations

from datetime import date

from flask import request
from tracker.core import policy
from tracker.core.translation import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import created, jsonify, no_content, body, bp, find_wg, forbidden, invalid, not_found, page, paging, user, wg_or_404
from tracker.redmine.issues import commit, visible_ticket
from tracker.tickets import timelog
from tracker.tickets.models import TimeEntry


def _day(raw):
    try:
        return date.fromisoformat(str(raw)[:10])
    except ValueError:
        invalid([_("%(value)s is not a date (YYYY-MM-DD).", value=raw)])


def list_entries(wg=None):
    me = user()
    conditions = [TimeEntry.visible(me)]
    args = request.args
    if wg is None and args.get("project_id"):
        wg = wg_or_404(args["project_id"])
    if wg is not None:
        conditions.append(TimeEntry.wg_id == wg.id)
    if args.get("issue_id", "").isdigit():
        conditions.append(TimeEntry.ticket_id == int(args["issue_id"]))
    if args.get("user_id"):
        conditions.append(TimeEntry.user_id == (me.id if args["user_id"] == "me" else int(args["user_id"]) if args["user_id"].isdigit() else -1))
    if args.get("spent_on"):
        conditions.append(TimeEntry.spent_on == _day(args["spent_on"]))
    if args.get("from"):
        conditions.append(TimeEntry.spent_on >= _day(args["from"]))
    if args.get("to"):
        conditions.append(TimeEntry.spent_on <= _day(args["to"]))
    offset, limit = paging()
    total = db.session.scalar(select(func.count(TimeEntry.id)).where(*conditions))
    entries = db.session.scalars(
        select(TimeEntry).where(*conditions)
        .options(joinedload(TimeEntry.wg), joinedload(TimeEntry.user), joinedload(TimeEntry.activity))
        .order_by(TimeEntry.spent_on.desc(), TimeEntry.id.desc()).offset(offset).limit(limit)
    )
    return page([serialize.time_entry(e) for e in entries], "time_entries", total, offset, limit)


@bp.get("/time_entries.json")
def time_entries_index():
    return list_entries()


@bp.get("/projects/<key>/time_entries.json")
def project_time_entries(key):
    return list_entries(wg_or_404(key))


def _visible_entry(entry_id: int) -> TimeEntry:
    entry = db.session.scalar(select(TimeEntry).where(TimeEntry.id == entry_id, TimeEntry.visible(user())))
    if entry is None:
        not_found()
    return entry


@bp.get("/time_entries/<int:entry_id>.json")
def time_entry_show(entry_id: int):
    return jsonify(time_entry=serialize.time_entry(_visible_entry(entry_id)))


@bp.post("/time_entries.json")
def time_entry_create():
    me = user()
    data = body("time_entry")
    ticket = wg = None
    if data.get("issue_id"):
        ticket = visible_ticket(int(data["issue_id"])) if str(data["issue_id"]).isdigit() else None
        if ticket is None:
            invalid([_("Ticket %(id)s does not exist.", id=data["issue_id"])])
        wg = ticket.wg
    elif data.get("project_id"):
        wg = find_wg(data["project_id"])
        if wg is None:
            invalid([_("Project %(key)s does not exist or you may not see it.", key=data["project_id"])])
    else:
        invalid([_("Give issue_id or project_id.")])
    if not wg.allows(me, "log_time"):
        forbidden()
    values = {k: data.get(k) for k in ("spent_on", "hours", "activity_id", "comments", "user_id") if k in data}
    values.setdefault("spent_on", date.today().isoformat())
    entry = commit(lambda: timelog.log_time(me, values, ticket=ticket, wg=wg))
    return created({"time_entry": serialize.time_entry(entry)}, f"/time_entries/{entry.id}.json")


@bp.route("/time_entries/<int:entry_id>.json", methods=["PUT", "PATCH"])
def time_entry_update(entry_id: int):
    me = user()
    entry = _visible_entry(entry_id)
    if not policy.can(me, "edit", entry):
        forbidden()
    data = body("time_entry")
    values = {
        "spent_on": entry.spent_on, "hours": entry.hours, "activity_id": entry.activity_id,
        "comments": entry.comments, "user_id": entry.user_id,
    }
    values.update({k: data[k] for k in ("spent_on", "hours", "activity_id", "comments", "user_id") if k in data})
    commit(lambda: timelog.log_time(me, values, ticket=entry.ticket, wg=entry.wg, entry=entry))
    return no_content()


@bp.delete("/time_entries/<int:entry_id>.json")
def time_entry_delete(entry_id: int):
    me = user()
    entry = _visible_entry(entry_id)
    if not policy.can(me, "edit", entry):
        forbidden()
    commit(lambda: timelog.delete_time_entry(entry, me))
    return no_content()
