"""The planning board: sticky notes, drag and drop between groups (with a plain-form fallback), decisions."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
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


def _can_edit(wg) -> bool:
    return wg.allows(current_user, "use_planning_board") and phase_of(wg) not in ("closed", "stopped")


def _group_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


@bp.get("/projects/<identifier>/planning")
@login_required
def board(identifier: str):
    wg = load_wg(identifier)
    groups = db.session.scalars(select(NoteGroup).where(NoteGroup.wg_id == wg.id).order_by(NoteGroup.position)).all()
    notes = db.session.scalars(select(Note).where(Note.wg_id == wg.id, policy.visible(Note, current_user)).order_by(Note.id)).all()
    lanes = [(None, _("Ungrouped (divergence)"))] + [(g.id, g.name) for g in groups]
    by_lane = {lane: [n for n in notes if n.group_id == lane] for lane, _name in lanes}
    return render_template("planning/board.html", wg=wg, lanes=lanes, by_lane=by_lane, groups=groups,
                           can_edit=_can_edit(wg), members=wg.members)


@bp.route("/projects/<identifier>/planning/notes/<int:note_id>", methods=["GET", "POST"])
@login_required
def note(identifier: str, note_id: int):
    """A note's page: its text, group and decision, the form to rewrite it, and its 履歴."""
    wg = load_wg(identifier)
    note = in_wg(Note, note_id, wg)
    can_edit = _can_edit(wg) and policy.can(current_user, "edit", note)
    if request.method == "POST":
        if not can_edit:
            abort(403)
        if commit_or_flash(lambda: services.edit_note(current_user, wg, note, request.form.get("text", ""),
                                                      _group_id(request.form.get("group_id", ""))),
                           _("The note was saved.")):
            return redirect(url_for(".note", identifier=wg.identifier, note_id=note.id))
    groups = db.session.scalars(select(NoteGroup).where(NoteGroup.wg_id == wg.id).order_by(NoteGroup.position)).all()
    lanes = [(None, _("Ungrouped (divergence)"))] + [(g.id, g.name) for g in groups]
    return render_template("planning/note.html", wg=wg, note=note, lanes=lanes, can_edit=can_edit,
                           text=request.form.get("text", note.text) if request.method == "POST" else note.text)


@bp.post("/projects/<identifier>/planning/notes")
@login_required
def add_note(identifier: str):
    wg = load_wg(identifier, "use_planning_board")
    commit_or_flash(lambda: services.add_note(current_user, wg, request.form.get("text", "")), _("The note was added."))
    return _back(wg)


@bp.post("/projects/<identifier>/planning/groups")
@login_required
def add_group(identifier: str):
    wg = load_wg(identifier, "use_planning_board")
    commit_or_flash(lambda: services.add_group(current_user, wg, request.form.get("name", "")), _("The group was added."))
    return _back(wg)


@bp.post("/projects/<identifier>/planning/notes/<int:note_id>/move")
@login_required
def move(identifier: str, note_id: int):
    """Drag and drop posts here with ``fetch`` (JSON answer); the fallback form posts the same fields."""
    wg = load_wg(identifier, "use_planning_board")
    note = in_wg(Note, note_id, wg)
    group_id = _group_id(request.form.get("group_id", ""))
    wants_json = request.accept_mimetypes.best == "application/json"
    if wants_json:
        try:
            services.move_note(current_user, wg, note, group_id)
        except ServiceError as error:
            db.session.rollback()
            return jsonify(errors=error.messages), 422
        db.session.commit()
        return jsonify(note_id=note.id, group_id=note.group_id)
    commit_or_flash(lambda: services.move_note(current_user, wg, note, group_id), _("The note was moved."))
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
    commit_or_flash(lambda: services.decide(current_user, wg, notes, assignee, due), _("The selected notes were scheduled."))
    return _back(wg)
