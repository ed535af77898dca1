"""``/issues.json`` and ``/issues/:id.json`` as Redmine 5.0 answers them. Filters, sort and visibility come
from the tickets feature's query object; create, update and delete go through its services."""
from __future__ import annotations

from decimal import Decimal

from flask import request
from tracker.tickets.policy import visible_parent_ids
from tracker.core.translation import gettext as _
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from tracker.core.db import reads_first, write_lock
from tracker.core.requests import perform_api
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import (
    created, jsonify, no_content,
    body, bp, find_wg, request_data, forbidden, invalid, not_found, page, paging, user, wg_or_404,
)
from tracker.redmine.loading import ApplicableFields, attach_references, load_tickets
from tracker.redmine.uploads import uploads_from
from tracker.tickets import relations, services, timelog
from tracker.tickets.fields import customfields, rules, workflow
from tracker.tickets.journals import visible_journals
from tracker.tickets.models import CustomValue, Ticket, Tracker, Watcher
from tracker.tickets.query import TicketQuery

# Redmine's attribute names that differ from the service's.
RENAMED = {"parent_issue_id": "parent_id"}
PLAIN = set(rules.FIELDS) - {"assigned_section_id", "parent_id"}  # the safe attributes (tickets.fields.rules)


def commit(action):
    """Run a service call and commit; a ServiceError is 422 with its messages, and nothing is kept."""
    try:
        result = action()
        db.session.commit()
        return result
    except ServiceError as error:
        db.session.rollback()
        invalid(error.messages)


# -- list ------------------------------------------------------------------------------------------

def _query_args(wg) -> MultiDict:
    """Redmine's parameters in the form the query object reads (short form)."""
    args = MultiDict()
    for key, values in request.args.lists():
        if key in ("key", "offset", "limit", "page", "per_page", "include", "issue_id", "subproject_id", "format"):
            continue
        if key == "project_id" and wg is not None:
            continue
        if key in ("created_on", "updated_on", "closed_on"):
            # Redmine accepts times ("2026-01-01T00:00:00Z"); the query compares days.
            values = ["|".join(part.split("T")[0] if part[:1].isdigit() else _strip_time(part) for part in v.split("|"))
                      for v in values]
        args.setlist(key, values)
    return args


def _strip_time(part: str) -> str:
    for op in ("><", ">=", "<="):
        if part.startswith(op):
            return op + part[len(op):].split("T")[0]
    return part


def _ids_filter():
    raw = request.args.get("issue_id")
    if not raw:
        return None
    ids = [int(v) for v in raw.replace("|", ",").split(",") if v.strip().isdigit()]
    return Ticket.id.in_(ids)


def _custom_values(ids: list[int]) -> dict[int, dict[int, list[str]]]:
    values: dict[int, dict[int, list[str]]] = {}
    if not ids:
        return values
    rows = db.session.execute(
        select(CustomValue.ticket_id, CustomValue.custom_field_id, CustomValue.value)
        .where(CustomValue.ticket_id.in_(ids)).order_by(CustomValue.id)
    )
    for ticket_id, field_id, value in rows:
        if value not in (None, ""):
            values.setdefault(ticket_id, {}).setdefault(field_id, []).append(value)
    return values


def list_issues(wg=None):
    me = user()
    query = TicketQuery.from_params(me, _query_args(wg), wg=wg)
    if query.errors:
        invalid(query.errors)
    offset, limit = paging()
    extra = _ids_filter()
    condition = query.condition() if extra is None else query.condition() & extra
    # Redmine's exact total_count: from the maintained counters when the filters allow (query.count()).
    total = query.count() if extra is None else db.session.scalar(select(func.count()).select_from(Ticket).where(condition))
    ids = query.page_ids(offset, limit, extra)
    tickets = load_tickets(ids)
    spent = timelog.spent_hours(ids)
    values = _custom_values(ids)
    fields = ApplicableFields()
    includes = set(request.args.get("include", "").split(","))
    items = []
    shown_parents = visible_parent_ids(tickets, me)
    for ticket in tickets:
        item = serialize.issue(ticket, spent.get(ticket.id, Decimal(0)), fields=fields(ticket), values=values.get(ticket.id, {}))
        if ticket.parent_id and ticket.parent_id not in shown_parents:
            item.pop("parent", None)  # a hidden (private) parent is not named
        if "attachments" in includes:
            item["attachments"] = [serialize.attachment(a) for a in ticket.attachments]
        if "relations" in includes:
            item["relations"] = _relations(ticket, me)
        items.append(item)
    return page(items, "issues", total, offset, limit)


@bp.get("/issues.json")
def issues_index():
    wg = None
    if request.args.get("project_id"):
        wg = find_wg(request.args["project_id"])
        if wg is None:
            not_found()
    return list_issues(wg)


@bp.get("/projects/<key>/issues.json")
def project_issues(key):
    return list_issues(wg_or_404(key))


# -- show --------------------------------------------------------------------------------------------

def visible_ticket(ticket_id: int) -> Ticket:
    ticket = db.session.get(Ticket, ticket_id, options=Ticket.with_references())
    if ticket is None or not ticket.visible_to(user()):
        not_found()
    return ticket


def _relations(ticket, me) -> list[dict]:
    return [serialize.relation(r) for _kind, _other, r in relations.visible_relations_of(ticket, me)]


def issue_json(ticket: Ticket, includes=(), new: bool = False) -> dict:
    """``new``: just created, so without subtasks or spent time yet (saves two queries per creation)."""
    me = user()
    attach_references([ticket])  # read with the ticket (visible_ticket), or just written: no statement
    spent = {} if new else timelog.spent_hours([ticket.id, *relations.descendant_ids(ticket.id)])
    fields = getattr(ticket, "_applicable_fields", None) if new else None
    if fields is None:
        fields = customfields.fields_for(ticket.wg_id, ticket.tracker_id)
    data = serialize.issue(
        ticket, spent.get(ticket.id, Decimal(0)), sum(spent.values(), Decimal(0)), fields=fields,
        values=customfields.values_of(ticket),
    )
    if ticket.parent_id and not visible_parent_ids([ticket], me):
        data.pop("parent", None)  # a hidden (private) parent is not named
    if "children" in includes:
        data["children"] = [
            {"id": c.id, "tracker": serialize.ref(c.tracker), "subject": c.subject}
            for c in ticket.children if c.visible_to(me)
        ]
    if "attachments" in includes:
        data["attachments"] = [serialize.attachment(a) for a in ticket.attachments]
    if "relations" in includes:
        data["relations"] = _relations(ticket, me)
    if "changesets" in includes:
        data["changesets"] = []
    if "journals" in includes:
        data["journals"] = [serialize.journal(j) for j in visible_journals(ticket, me)]
    if "watchers" in includes:
        data["watchers"] = [serialize.user_ref(w.user) for w in sorted(ticket.watchers, key=lambda w: w.id)]
    if "allowed_statuses" in includes:
        data["allowed_statuses"] = [serialize.status(s) for s in workflow.allowed_for(me, ticket)] if ticket.editable_by(me) or ticket.notable_by(me) else []
    return data


@bp.get("/issues/<int:ticket_id>.json")
def issue_show(ticket_id: int):
    ticket = visible_ticket(ticket_id)
    includes = set(request.args.get("include", "").split(","))
    return jsonify(issue=issue_json(ticket, includes))


# -- create / update / delete ------------------------------------------------------------------------

def _values(data: dict) -> dict:
    values = {}
    for key, value in data.items():
        key = RENAMED.get(key, key)
        if key in PLAIN or key == "parent_id":
            values[key] = "" if value is None else value
    if "assigned_to_id" in values and values["assigned_to_id"] in ("", 0, "0"):
        values["assigned_to_id"] = None
    if "custom_fields" in data:
        given = data.get("custom_fields") or []
        if not isinstance(given, list):
            invalid([_("custom_fields must be a list of {\"id\": ..., \"value\": ...}.")])
        values["custom_fields"] = {str(item.get("id")): item.get("value") for item in given if isinstance(item, dict)}
    return values


def _default_tracker() -> Tracker | None:
    return db.session.scalar(select(Tracker).order_by(Tracker.position, Tracker.id).limit(1))


def create_issue(wg_key):
    me = user()
    data = body("issue")
    wg_key = wg_key or data.get("project_id")
    if wg_key in (None, ""):
        invalid([_("Project is required (project_id).")])
    wg = find_wg(wg_key)
    if wg is None:
        invalid([_("Project %(key)s does not exist or you may not see it.", key=wg_key)])
    if not wg.allows(me, "add_issues"):
        forbidden()
    values = _values(data)
    default_tracker = None  # kept here, so the service finds it in the session instead of reading it again
    if not values.get("tracker_id"):
        default_tracker = _default_tracker()
        values["tracker_id"] = default_tracker.id if default_tracker else None
    if data.get("uploads") or values.get("parent_id"):
        # An upload token is used once, and a parent ticket is updated (its dates and progress roll up)
        # from what is read of it: both read under the lock, as every other write request does.
        write_lock()
    uploads, used = uploads_from(data.get("uploads"), me)
    watcher_ids = [int(w) for w in data.get("watcher_user_ids") or [] if str(w).isdigit()]

    # On SQLite the write lock is taken at the service's first write, the INSERT of the ticket (core/db.py):
    # the key, the WG, permissions and the reference data it checks are read without holding it, as any
    # request on PostgreSQL reads them (READ COMMITTED); what follows the INSERT runs under the lock.

    def action():
        ticket = services.create_ticket(me, wg, values, uploads=uploads, watcher_ids=watcher_ids)
        used.discard()
        db.session.flush()
        # The answer is made before the commit, while everything is loaded (a commit expires the session).
        return ticket.id, issue_json(ticket, new=True)

    ticket_id, data = commit(action)
    return created({"issue": data}, f"/issues/{ticket_id}.json")


@bp.post("/issues.json")
@reads_first
def issue_create():
    return create_issue(None)


@bp.post("/projects/<key>/issues.json")
@reads_first
def project_issue_create(key):
    return create_issue(key)


@bp.route("/issues/<int:ticket_id>.json", methods=["PUT", "PATCH"])
def issue_update(ticket_id: int):
    me = user()
    ticket = visible_ticket(ticket_id)
    if not (ticket.editable_by(me) or ticket.notable_by(me)):
        forbidden()
    data = body("issue")
    if "project_id" in data and find_wg(data["project_id"]) not in (ticket.wg,):
        invalid([_("Moving a ticket to another WG is not supported through the API.")])
    values = _values(data)
    uploads, used = uploads_from(data.get("uploads"), me)

    def action():
        services.update_ticket(
            ticket, me, values, notes=data.get("notes") or "", private_notes=bool(data.get("private_notes")),
            lock_version=data.get("lock_version"), uploads=uploads,
        )
        used.discard()

    # Redmine answers a stale update (someone else saved the issue meanwhile) with 422 and the message.
    perform_api(action, conflict_status=422)
    return no_content()


@bp.delete("/issues/<int:ticket_id>.json")
def issue_delete(ticket_id: int):
    me = user()
    ticket = visible_ticket(ticket_id)
    if not ticket.wg.allows(me, "delete_issues"):
        forbidden()
    commit(lambda: services.delete_ticket(ticket, me))
    return no_content()


# -- watchers ----------------------------------------------------------------------------------------

@bp.post("/issues/<int:ticket_id>/watchers.json")
def watcher_add(ticket_id: int):
    from tracker.accounts.models import User

    me = user()
    ticket = visible_ticket(ticket_id)
    data = request_data() or {}
    raw = data.get("user_id", request.args.get("user_id"))
    watcher = db.session.get(User, int(raw)) if str(raw or "").isdigit() else None
    if watcher is None:
        invalid([_("User %(id)s does not exist.", id=raw)])
    if watcher.id != me.id and not ticket.wg.allows(me, "add_issue_watchers"):
        forbidden()
    commit(lambda: services.set_watching(ticket, me, watcher, True))
    return no_content()


@bp.delete("/issues/<int:ticket_id>/watchers/<int:user_id>.json")
def watcher_remove(ticket_id: int, user_id: int):
    from tracker.accounts.models import User

    me = user()
    ticket = visible_ticket(ticket_id)
    watcher = db.session.get(User, user_id)
    if watcher is None or db.session.scalar(
        select(Watcher.id).where(Watcher.ticket_id == ticket.id, Watcher.user_id == user_id)
    ) is None:
        not_found()
    if watcher.id != me.id and not ticket.wg.allows(me, "add_issue_watchers"):
        forbidden()
    commit(lambda: services.set_watching(ticket, me, watcher, False))
    return no_content()
