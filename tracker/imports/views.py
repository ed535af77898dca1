"""CSV import of tickets, at Redmine's paths: /issues/imports/new (or a WG's /projects/<id>/issues/imports/new)
→ upload (POST /imports) → /imports/<id>/settings → /imports/<id>/mapping → run → /imports/<id> (result)."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.core.requests import load, perform
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.imports import reading, services
from tracker.imports.fields import all_fields, default_mapping, wgs_for_import
from tracker.imports.models import TicketImport
from tracker.tickets.models import Ticket
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg

bp = Blueprint("imports", __name__)
blueprints = [bp]


@bp.get("/issues/imports/new")
@bp.get("/projects/<identifier>/issues/imports/new")
@login_required
def new(identifier: str | None = None):
    wg = load_wg(identifier, "add_issues") if identifier else None
    if wg is None and not wgs_for_import(current_user):
        abort(403)
    return render_template("imports/new.html", wg=wg, max_mb=reading.MAX_BYTES // (1024 * 1024))


@bp.post("/imports")
@login_required
def create():
    identifier = request.form.get("project") or None
    wg = load_wg(identifier, "add_issues") if identifier else None
    upload = request.files.get("file")
    data = upload.read(reading.MAX_BYTES + 1) if upload else b""
    item = perform(lambda: services.upload(current_user, upload.filename if upload else "", data, wg))
    if item is None:
        return render_template("imports/new.html", wg=wg, max_mb=reading.MAX_BYTES // (1024 * 1024)), 422
    return redirect(url_for("imports.settings", import_id=item.id))


def _load(import_id: int, *, open_only: bool = True) -> TicketImport:
    item = load(TicketImport, import_id)
    if open_only and item.state == "done":
        abort(redirect(url_for("imports.show", import_id=item.id)))
    return item


@bp.route("/imports/<int:import_id>/settings", methods=["GET", "POST"])
@login_required
def settings(import_id: int):
    item = _load(import_id)
    values = dict(item.settings)
    problem = None
    if request.method == "POST":
        values = {key: request.form.get(key, "") for key in reading.DEFAULT_SETTINGS}
        if perform(lambda: services.save_settings(current_user, item, values)):
            return redirect(url_for("imports.mapping", import_id=item.id))
    else:
        try:
            reading.read(item.content, values)
        except reading.UnreadableFile as error:
            problem = str(error)
    return render_template("imports/settings.html", item=item, values=values, problem=problem, reading=reading), \
        422 if request.method == "POST" else 200


@bp.route("/imports/<int:import_id>/mapping", methods=["GET", "POST"])
@login_required
def mapping(import_id: int):
    item = _load(import_id)
    try:
        table = reading.read(item.content, item.settings)
    except reading.UnreadableFile:
        return redirect(url_for("imports.settings", import_id=item.id))
    targets = wgs_for_import(current_user)
    chosen_id = request.values.get("wg_id", type=int) or item.wg_id or (targets[0].id if len(targets) == 1 else None)
    wg = next((w for w in targets if w.id == chosen_id), None)
    fields = all_fields(wg) if wg else []
    chosen = {key: int(index) for key, index in (item.mapping.get("fields") or {}).items()}
    if wg is not None and not chosen:
        chosen = default_mapping(table.header, fields)
    all_or_nothing = bool(item.mapping.get("all_or_nothing"))
    if request.method == "POST" and request.form.get("action") in ("import", "refresh"):
        chosen = {f.key: int(v) for f in fields if (v := request.form.get(f"fields[{f.key}]", "")).isdigit()
                  and int(v) < len(table.header)}
        all_or_nothing = request.form.get("all_or_nothing") == "1"
        if request.form.get("action") == "import":
            done = perform(lambda: services.run(current_user, _mapped(item, wg, chosen, all_or_nothing)))
            if done:
                return redirect(url_for("imports.show", import_id=item.id))
    return render_template("imports/mapping.html", item=item, table=table, preview=table.rows[:5], fields=fields,
                           chosen=chosen, targets=targets, wg=wg, all_or_nothing=all_or_nothing), \
        422 if request.method == "POST" and request.form.get("action") == "import" else 200


def _mapped(item: TicketImport, wg, chosen: dict, all_or_nothing: bool) -> TicketImport:
    services.save_mapping(current_user, item, wg, chosen, all_or_nothing)
    return item


@bp.get("/imports/<int:import_id>")
@login_required
def show(import_id: int):
    item = _load(import_id, open_only=False)
    if item.state != "done":
        return redirect(url_for("imports.mapping", import_id=item.id))
    ids = item.result.get("created") or []
    tickets = list(db.session.scalars(select(Ticket).where(Ticket.id.in_(ids), Ticket.visible(current_user))
                                      .order_by(Ticket.id))) if ids else []
    wg = db.session.get(WorkingGroup, item.wg_id) if item.wg_id else None
    return render_template("imports/show.html", item=item, tickets=tickets, wg=wg, errors=item.result.get("errors") or [])
