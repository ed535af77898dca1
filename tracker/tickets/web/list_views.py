"""Ticket lists (/issues, /projects/<id>/issues) with their CSV, XLSX and Atom exports, saved queries and
bulk edit. Every one of them reads the same TicketQuery from the URL's parameters."""
from __future__ import annotations


from markupsafe import Markup, escape
from flask import Response, abort, flash, g, redirect, render_template, request, stream_with_context, url_for
from tracker.core.requests import authorize, load, redirect_to, safe_path
from tracker.core.translation import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import inspect as sa_inspect, select
from werkzeug.datastructures import MultiDict

from tracker.accounts.organisation import all_sections
from tracker.core import exports as core_exports
from tracker.core.i18n import local_today
from tracker.core.services import ServiceError, commit_or_flash
from tracker.core.urls import query_with
from tracker.extensions import db
from tracker.tickets import exports, services
from tracker.tickets.fields import values as field_values, workflow
from tracker.tickets.blueprint import bp
from tracker.tickets.feeds import feed_key_for, feed_login
from tracker.tickets.web.forms import SavedQueryForm
from tracker.tickets.models import (
    IssueCategory, IssuePriority, SavedQuery, Ticket, Tracker, Version,
)
from tracker.tickets.query import GROUPABLE, OPERATORS, PER_PAGE_CHOICES, TicketQuery, urls as query_urls
from tracker.tickets.query.definitions import SORT_KEYS
from tracker.wg.models import WorkingGroup
from tracker.wg.views import load_wg

PARAMS_NOT_SAVED = {"page", "query_id", "key", "csrf_token"}


def _args() -> MultiDict:
    """The request's parameters, or a saved query's when ``query_id`` is given."""
    query_id = request.args.get("query_id", "")
    if query_id.isdigit():
        saved = db.session.scalar(select(SavedQuery).where(SavedQuery.id == int(query_id), SavedQuery.visible(_user())))
        if saved is None:
            abort(404)
        args = MultiDict()
        for key, values in (saved.params or {}).items():
            for value in values if isinstance(values, list) else [values]:
                args.add(key, value)
        for key in ("page", "per_page"):
            if key in request.args:
                args[key] = request.args[key]
        g.saved_query = saved
        return args
    return request.args


def _user():
    return g.get("feed_user") or current_user


def _wg_or_none(identifier: str | None) -> WorkingGroup | None:
    return load_wg(identifier, "view_issues", user=_user()) if identifier else None


def build_query(identifier: str | None = None) -> TicketQuery:
    wg = _wg_or_none(identifier)
    return TicketQuery.from_params(_user(), _args(), wg=wg)


def _filter_options(query: TicketQuery) -> dict:
    """Choices for the filter form's value selects."""
    wg_ids = [query.wg.id] if query.wg else None
    versions = select(Version).order_by(Version.name)
    categories = select(IssueCategory).order_by(IssueCategory.name)
    if wg_ids:
        versions = versions.where(Version.wg_id.in_(wg_ids))
        categories = categories.where(IssueCategory.wg_id.in_(wg_ids))
    visible_wgs = list(db.session.scalars(select(WorkingGroup).where(WorkingGroup.visible(current_user)).order_by(WorkingGroup.name)))
    if not wg_ids:
        allowed = {w.id for w in visible_wgs}
        versions = versions.where(Version.wg_id.in_(allowed))
        categories = categories.where(IssueCategory.wg_id.in_(allowed))
    users = field_values.assignable_users(query.wg) if query.wg else []
    if not query.wg:
        from tracker.accounts.models import User
        from tracker.wg.models import Member

        # Only ids and names: whole users would also read every one's organisation roles.
        users = db.session.execute(
            select(User.id, User.name).where(User.active.is_(True), User.id.in_(
                select(Member.user_id).where(Member.wg_id.in_([w.id for w in visible_wgs])))).order_by(User.name_kana)
        ).all()
    people = [("me", _("me"))] + [(str(u.id), u.name) for u in users]
    return {
        "status_id": [(str(s.id), s.name) for s in workflow.all_statuses()],
        "tracker_id": [(str(t.id), t.name) for t in db.session.scalars(select(Tracker).order_by(Tracker.position))],
        "priority_id": [(str(p.id), p.name) for p in db.session.scalars(select(IssuePriority).order_by(IssuePriority.position))],
        "assigned_to_id": people + [(f"section:{s.id}", f"{s.name}（{_('section')}）") for s in all_sections()],
        "author_id": people,
        "watcher_id": [("me", _("me"))],
        "project_id": [(str(w.id), w.name) for w in visible_wgs],
        "fixed_version_id": [(str(v.id), v.name) for v in db.session.scalars(versions)],
        "category_id": [(str(c.id), c.name) for c in db.session.scalars(categories)],
        "is_private": [("1", _("Yes")), ("0", _("No"))],
        **{f"cf_{cf.id}": [(v, v) for v in cf.possible_values or []] if cf.field_format == "list" else
           people if cf.field_format == "user" else [("1", _("Yes")), ("0", _("No"))] if cf.field_format == "bool" else None
           for cf in query.custom_fields()},
    }


def options_html(choices, selected) -> Markup:
    """<option>s for a filter's value select, built here rather than in a template loop (a list page may
    offer hundreds of people and sections; this keeps rendering it cheap)."""
    chosen = set(selected or [])
    return Markup("".join(
        f'<option value="{escape(value)}"{" selected" if value in chosen else ""}>{escape(label)}</option>'
        for value, label in choices
    ))



def _saved_queries(wg) -> list[SavedQuery]:
    return list(db.session.scalars(select(SavedQuery).where(SavedQuery.visible(current_user, wg)).order_by(SavedQuery.name)))


LONG_FORM_KEYS = ("f[]", "f", "sort_key", "sort_dir")


def _quick_chips(query: TicketQuery) -> list[dict]:
    """自分の担当, 期限切れ, 今週が期日, 未割当: links that set (or, when set, clear) one filter."""
    chips = [(_("Assigned to me"), "assigned_to_id", "=", ["me"]), (_("Overdue"), "due_date", "od", []),
             (_("Due this week"), "due_date", "w", []), (_("Unassigned"), "assigned_to_id", "!*", [])]
    shown = []
    for label, name, op, values in chips:
        active = query.filters.get(name) == (op, values)
        shown.append({"label": label, "active": active,
                      "href": query_urls.with_filter(query, name, None if active else op, values)})
    return shown


def _shown_filters(query: TicketQuery) -> tuple[dict, str | None]:
    """The filter rows of the form, name -> (operator, values): the active filters, those the form sent that
    were refused (with what the user chose, so nothing is lost), and the one just added with 追加 (without
    script the form comes back with that row, not yet applied)."""
    defs = query.filter_defs()
    rows = dict(query.filters)
    for name in request.args.getlist("f[]"):
        if name in defs and name not in rows:
            rows[name] = (request.args.get(f"op[{name}]", defs[name].operators[0]),
                          [v for v in request.args.getlist(f"v[{name}][]") if v != ""])
    added = request.args.get("add_filter") if request.args.get("add") else None
    if added in defs and added not in rows:
        rows[added] = (defs[added].operators[0], [])
    else:
        added = None
    return rows, added


def _render_list(identifier: str | None):
    query = build_query(identifier)
    if request.args.get("fragment") == "filter":
        # the add-filter control's script asks for one new row
        name = request.args.get("add_filter", "")
        if name not in query.filter_defs():
            abort(404)
        return render_template("tickets/_filter_row.html", name=name, d=query.filter_defs()[name], current=None,
                               choices=_filter_options(query).get(name), options_html=options_html)
    if (not query.errors and "query_id" not in request.args and not request.args.get("add")
            and any(key in request.args for key in LONG_FORM_KEYS)
            and list(request.args.items(multi=True)) != query_urls.short_params(query, page=query.page)):
        # The filter form's long parameters: answer with the short address of the same list.
        return redirect(request.path + query_urls.query_string(query, page=query.page))
    for message in query.errors:
        flash(message, "error")
    shown_filters, added_filter = _shown_filters(query)
    tickets = query.results()
    fields = {f.id: f for f in query.custom_fields()}
    groups = query.group_counts()
    wg = query.wg
    save_form = SavedQueryForm(formdata=None)
    key = feed_key_for(current_user)
    atom_base = url_for(".project_atom", identifier=wg.identifier) if wg else url_for(".atom")
    return render_template(
        "tickets/index.html", query=query, tickets=tickets, wg=wg, totals=query.totals(), groups=groups,
        fields=fields, columns=query.available_columns(), operators=OPERATORS, options=_filter_options(query),
        groupable=GROUPABLE, per_page_choices=PER_PAGE_CHOICES, url_with=query_with, saved_queries=_saved_queries(wg),
        saved_query=g.get("saved_query"), save_form=save_form, cell=exports.cell, options_html=options_html,
        can_add=(wg.allows(current_user, "add_issues") if wg else bool(
            db.session.scalar(select(WorkingGroup.id).where(WorkingGroup.with_permission(current_user, "add_issues")).limit(1)))),
        can_save=(wg.allows(current_user, "save_queries") if wg else True),
        can_public=(wg.allows(current_user, "manage_public_queries") if wg else current_user.is_admin),
        atom_url=atom_base + query_with(page=None, key=key), today=local_today(),
        chips=_quick_chips(query), shown_filters=shown_filters, added_filter=added_filter, urls=query_urls,
        sort_keys=SORT_KEYS, sortable_columns=[(k, c) for k, c in query.available_columns().items() if c.sortable and k in SORT_KEYS],
    ), (422 if query.errors else 200)


@bp.get("/issues")
@login_required
def index():
    return _render_list(None)


@bp.get("/projects/<identifier>/issues")
@login_required
def project_index(identifier: str):
    response = _render_list(identifier)
    return response


def _csv_encoding() -> tuple[str, str | None] | None:
    """(codec, charset of the answer) from ``encoding=`` or the user's setting (個人設定); None when the
    parameter names no encoding offered."""
    name = request.args.get("encoding") or getattr(_user(), "csv_encoding", None) or core_exports.DEFAULT_CSV_ENCODING
    codec = core_exports.csv_codec(name)
    if codec is None:
        return None
    return codec, ("Shift_JIS" if codec == "cp932" else None)


def _export(identifier: str | None, fmt: str):
    query = build_query(identifier)
    if fmt == "csv" and _csv_encoding() is None:
        query.errors.append(_("Unknown encoding: %(name)s. Use UTF-8 or Shift_JIS.", name=request.args.get("encoding")))
    if query.errors:
        return Response("\n".join(query.errors), status=422, mimetype="text/plain")
    name = f"issues{'-' + identifier if identifier else ''}"
    wg_id = query.wg.id if query.wg else None
    if fmt == "csv":
        codec, charset = _csv_encoding()
        rows = exports.exported_rows(query)
        description = request.args.get("description") == "1"
        chunks = _later(identifier, lambda q: exports.csv_stream(q, with_description=description, codec=codec, limit=rows))
        return core_exports.send_stream(exports.TICKET_LIST, chunks, rows=rows, filename=f"{name}.csv", wg_id=wg_id,
                                        charset=charset)
    if fmt == "xlsx":
        rows = exports.exported_rows(query)
        return core_exports.send_stream(exports.TICKET_LIST, _later(identifier, lambda q: exports.xlsx_stream(q, limit=rows)),
                                        rows=rows, filename=f"{name}.xlsx", wg_id=wg_id)
    title = f"{query.wg.name}: {_('Tickets')}" if query.wg else _("Tickets")
    url = url_for(".project_index", identifier=identifier) if identifier else url_for(".index")
    feed = _later(identifier, lambda q: exports.atom_chunks(
        title, url, exports.ticket_entries(exports.iter_tickets(q, q.per_page)), feed_id=url))
    return Response(stream_with_context(feed), mimetype="application/atom+xml")


def _later(identifier: str | None, chunks_of):
    """The file's pieces, made while the response is sent. That is after the view returned, when the view's
    database session is gone (the app context's teardown removed it; ``stream_with_context`` pushes the
    contexts again, with a new session): the signed-in user is put into the new session, and the query is
    read again from the request, so nothing of the view's session is used."""
    user = _user()
    user = user._get_current_object() if hasattr(user, "_get_current_object") else user
    state = sa_inspect(user, raiseerr=False)  # None for the anonymous user
    if state is not None and state.detached:
        db.session.add(user)
    yield from chunks_of(build_query(identifier))


@bp.get("/issues.<any(csv, xlsx):fmt>")
@login_required
def export(fmt: str):
    return _export(None, fmt)


@bp.get("/projects/<identifier>/issues.<any(csv, xlsx):fmt>")
@login_required
def project_export(identifier: str, fmt: str):
    return _export(identifier, fmt)


@bp.get("/issues.atom")
@feed_login
def atom():
    return _export(None, "atom")


@bp.get("/projects/<identifier>/issues.atom")
@feed_login
def project_atom(identifier: str):
    return _export(identifier, "atom")


# -- saved queries -------------------------------------------------------------------------------------

@bp.post("/queries")
@login_required
def save_query():
    form = SavedQueryForm()
    identifier = request.form.get("project") or None
    wg = _wg_or_none(identifier)
    back = safe_path(request.form.get("back")) or url_for(".index")
    if not form.validate_on_submit():
        abort(400)
    if wg is not None and not wg.allows(current_user, "save_queries"):
        abort(403)
    params: dict[str, list[str]] = {}
    for key, value in MultiDict(request.form).items(multi=True):
        if key.startswith("q."):
            name = key[2:]
            if name not in PARAMS_NOT_SAVED:
                params.setdefault(name, []).append(value)

    def change():
        name = (form.name.data or "").strip()
        if not name:
            raise ServiceError(_("The name is required."))
        public = form.visibility.data == "public"
        if public and not (wg.allows(current_user, "manage_public_queries") if wg else current_user.is_admin):
            raise ServiceError(_("You may not save public queries here."))
        saved = SavedQuery(name=name, user_id=current_user.id, wg_id=wg.id if wg else None,
                           visibility="public" if public else "private", params=params)
        db.session.add(saved)
        db.session.flush()
        return saved

    saved = commit_or_flash(change, _("The query was saved."))
    if saved:
        target = url_for(".project_index", identifier=wg.identifier) if wg else url_for(".index")
        return redirect(f"{target}?query_id={saved.id}")
    return redirect(back)


@bp.post("/queries/<int:query_id>/delete")
@login_required
def delete_query(query_id: int):
    saved = load(SavedQuery, query_id)
    authorize("edit", saved)
    db.session.delete(saved)
    db.session.commit()
    flash(_("The query was deleted."), "success")
    return redirect(url_for(".project_index", identifier=saved.wg.identifier) if saved.wg else url_for(".index"))


# -- bulk edit -------------------------------------------------------------------------------------------

def _selected() -> list[Ticket]:
    ids = [int(i) for i in request.values.getlist("ids") + request.values.getlist("ids[]") if str(i).isdigit()]
    if not ids:
        abort(404)
    tickets = list(db.session.scalars(select(Ticket).where(Ticket.id.in_(ids), Ticket.visible(current_user)).order_by(Ticket.id)))
    if len(tickets) != len(set(ids)):
        abort(404)
    return tickets


@bp.route("/issues/bulk_edit", methods=["GET", "POST"])
@login_required
def bulk_edit():
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    tickets = _selected()
    if not all(t.editable_by(current_user) for t in tickets):
        abort(403)
    wg_ids = {t.wg_id for t in tickets}
    one_wg = db.session.get(WorkingGroup, next(iter(wg_ids))) if len(wg_ids) == 1 else None
    statuses = workflow.all_statuses()
    if request.method == "POST" and request.form.get("apply") == "1":
        try:
            validate_csrf(request.form.get("csrf_token"))
        except ValidationError:
            abort(400)
        keys = ("tracker_id", "status_id", "priority_id", "assigned_to", "category_id", "fixed_version_id",
                "start_date", "due_date", "done_ratio", "is_private")
        values = {k: request.form.get(k) for k in keys if request.form.get(k)}
        if values.get("is_private") not in (None, "0", "1"):
            values.pop("is_private")
        for key in ("category_id", "fixed_version_id"):
            if values.get(key) == "none":
                values[key] = None
        if commit_or_flash(lambda: services.bulk_update(tickets, current_user, values, notes=request.form.get("notes", "")),
                           _("%(count)s tickets were updated.", count=len(tickets))):
            return redirect_to(request.form.get("back"), url_for(".index"))
    return render_template(
        "tickets/bulk_edit.html", tickets=tickets, wg=one_wg, statuses=statuses,
        trackers=list(db.session.scalars(select(Tracker).order_by(Tracker.position))),
        priorities=list(db.session.scalars(select(IssuePriority).order_by(IssuePriority.position))),
        members=field_values.assignable_users(one_wg) if one_wg else [], sections=all_sections(),
        categories=list(db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == one_wg.id))) if one_wg else [],
        versions=list(db.session.scalars(select(Version).where(Version.wg_id == one_wg.id, Version.status == "open"))) if one_wg else [],
        back=request.values.get("back", ""),
    )


@bp.post("/issues/bulk_delete")
@login_required
def bulk_delete():
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError:
        abort(400)
    tickets = _selected()

    def change():
        for ticket in tickets:
            if db.session.get(Ticket, ticket.id) is not None:  # a subtask may have gone with its parent
                services.delete_ticket(ticket, current_user)

    commit_or_flash(change, _("%(count)s tickets were deleted.", count=len(tickets)))
    return redirect(url_for(".index"))
