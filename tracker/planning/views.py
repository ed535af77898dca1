"""The planning board: sticky notes, drag and drop between groups (with a plain-form fallback), decisions."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.charter.services import phase_of
from tracker.core.layout import WGTab
from tracker.core.services import ServiceError, commit_or_flash
from tracker.charter.lookup import in_wg
from tracker.extensions import db
from tracker.planning import services
from tracker.planning.models import Note, NoteGroup
from tracker.wg.views import load_wg
from tracker.core import policy

bp = Blueprint("planning", __name__)
blueprints = [bp]
wg_tabs = [WGTab("planning", _l("Planning board"), "planning.board", order=20)]


def _back(wg):
    return redirect(url_for(".board", identifier=wg.identifier))


@bp.get("/projects/<identifier>/planning")
@login_required
def board(identifier: str):
    wg = load_wg(identifier)
    groups = db.session.scalars(select(NoteGroup).where(NoteGroup.wg_id == wg.id).order_by(NoteGroup.position)).all()
    notes = db.session.scalars(select(Note).where(Note.wg_id == wg.id, policy.visible(Note, current_user)).order_by(Note.id)).all()
    lanes = [(None, _("Ungrouped (divergence)"))] + [(g.id, g.name) for g in groups]
    by_lane = {lane: [n for n in notes if n.group_id == lane] for lane, _name in lanes}
    return render_template("planning/board.html", wg=wg, lanes=lanes, by_lane=by_lane, groups=groups,
                           can_edit=wg.allows(current_user, "use_planning_board") and phase_of(wg) not in ("closed", "stopped"),
                           members=wg.members)


@bp.post("/projects/<identifier>/planning/notes")
@login_required
def add_note(identifier: str):
    wg = load_wg(identifier, "use_planning_board")
    commit_or_flash(lambda: services.add_note(wg, current_user, request.form.get("text", "")), _("The note was added."))
    return _back(wg)


@bp.post("/projects/<identifier>/planning/groups")
@login_required
def add_group(identifier: str):
    wg = load_wg(identifier, "use_planning_board")
    commit_or_flash(lambda: services.add_group(wg, request.form.get("name", "")), _("The group was added."))
    return _back(wg)


@bp.post("/projects/<identifier>/planning/notes/<int:note_id>/move")
@login_required
def move(identifier: str, note_id: int):
    """Drag and drop posts here with ``fetch`` (JSON answer); the fallback form posts the same fields."""
    wg = load_wg(identifier, "use_planning_board")
    note = in_wg(Note, note_id, wg)
    raw = request.form.get("group_id", "")
    group_id = int(raw) if raw.isdigit() else None
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        try:
            services.move_note(wg, note, group_id)
        except ServiceError as error:
            db.session.rollback()
            return jsonify(errors=error.messages), 422
        db.session.commit()
        return jsonify(note_id=note.id, group_id=note.group_id)
    commit_or_flash(lambda: services.move_note(wg, note, group_id), _("The note was moved."))
    return _back(wg)


@bp.post("/projects/<identifier>/planning/decide")
@login_required
def decide(identifier: str):
    wg = load_wg(identifier, "use_planning_board")
    ids = {int(v) for v in request.form.getlist("note_ids") if v.isdigit()}
    notes = [n for n in db.session.scalars(select(Note).where(Note.wg_id == wg.id, policy.visible(Note, current_user), Note.id.in_(ids)))]
    assignee = next((m.user for m in wg.members if str(m.user.id) == request.form.get("assignee_id")), None)
    try:
        due = date.fromisoformat(request.form.get("due_date", ""))
    except ValueError:
        due = None
    commit_or_flash(lambda: services.decide(wg, current_user, notes, assignee, due), _("The selected notes were scheduled."))
    return _back(wg)
