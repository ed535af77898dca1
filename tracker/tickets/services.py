"""Operations that change tickets: create, update (journaled, optimistic locking), copy, bulk update,
delete, watchers. They take plain values (ids, ISO dates, strings), so the web forms and the REST API
call the same code; they refuse bad input with ``ServiceError`` and change nothing then."""
from __future__ import annotations

from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import inspect as sa_inspect, select
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.orm.exc import StaleDataError

from tracker.accounts.models import User
from tracker.core import events, history, mentions, textsearch
from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.core.text import same_text
from tracker.extensions import db
from tracker.tickets import attachments as files
from tracker.tickets import relations
from tracker.tickets.fields import customfields, rules, values as field_values
from tracker.tickets.history import touch
from tracker.tickets.models import (
    Attachment, IssueStatus, Journal, Ticket, TicketRelation, Watcher,
)
from tracker.wg.models import WorkingGroup

FIELDS, DERIVED = rules.FIELDS, rules.DERIVED  # the plain-value keys a service accepts (see fields.rules)


class StaleTicketError(ServiceError):
    """Someone else saved the ticket after the form was opened; nothing was saved."""

    def __init__(self, ticket: Ticket):
        super().__init__(_("Someone else changed this ticket while you were editing it. Your input is kept below; "
                           "check their change and save again."))
        self.ticket = ticket


# -- recipients, mentions, search ------------------------------------------------------------------

def recipients(ticket: Ticket) -> list[User]:
    """Who a change concerns: author, assignee (or the staff of the assigned section), watchers. Whether each
    may see the ticket (and the note) is decided once, in SQL for all of them, by the notification audience
    (tracker.notify.audience.may_see), the one place notifications obey the access policy."""
    people: dict[int, User] = {}
    # Author and assignee in one query (with their organisation roles), unless the session has them already.
    wanted = {i for i in (ticket.author_id, ticket.assigned_to_id) if i is not None}
    missing = [i for i in wanted if identity_key(User, i) not in db.session.identity_map]
    # kept in a local: the session holds unchanged objects weakly, and the relationships below find them there
    preloaded = db.session.scalars(select(User).where(User.id.in_(missing))).all() if len(missing) > 1 else []
    for candidate in [ticket.author, ticket.assigned_to]:
        if candidate is not None:
            people[candidate.id] = candidate
    if ticket.assigned_section_id:
        for member in db.session.scalars(select(User).where(User.section_id == ticket.assigned_section_id)):
            people[member.id] = member
    # the watchers with their users in one query (not one per watcher)
    for watcher in db.session.scalars(
            select(User).join(Watcher, Watcher.user_id == User.id).where(Watcher.ticket_id == ticket.id)):
        people[watcher.id] = watcher
    del preloaded
    return [u for u in people.values() if u.active]


def reindex(ticket: Ticket, new: bool = False) -> None:
    textsearch.index_document("ticket", ticket.id, f"#{ticket.id} {ticket.subject}", ticket.description,
                              wg_id=ticket.wg_id, new=new, created_at=ticket.created_at)


def index_journal(journal: Journal, new: bool = False) -> None:
    """``new``: the journal was just written, so it has no search document yet (no need to look for one)."""
    if journal.notes and not journal.private_notes:
        ticket = journal.ticket
        textsearch.index_document("journal", journal.id, f"#{ticket.id} {ticket.subject}", journal.notes, wg_id=ticket.wg_id,
                                  new=new, created_at=journal.created_at)


def emit_updated(ticket: Ticket, user, journal: Journal, body: str | None = None, wg=None) -> None:
    """``ticket.updated`` for the change ``journal`` records: an edit, or a follower that the precedes rule
    rescheduled (its people hear that its dates moved, as Redmine notifies such a journal too)."""
    events.emit(events.Event(
        kind="ticket.updated",
        title=_l("#%(id)s %(subject)s was updated by %(user)s", id=ticket.id, subject=ticket.subject, user=user.name),
        url=f"{ticket.url}#note-{journal.id}", actor=user,
        recipients=recipients(ticket),
        wg=wg or ticket.wg, body=body, data={"ticket_id": ticket.id, "journal_id": journal.id}, subject=ticket,
        note=journal,
    ))


def _emit_mentions(ticket: Ticket, user, text: str, already: set[int], body: str) -> None:
    mentioned = mentions.mentioned_users(text, may_see=ticket.visible_to, exclude=already | {user.id})
    if mentioned:
        events.emit(events.Event(
            kind="ticket.mentioned",
            title=_l("%(user)s mentioned you in #%(id)s %(subject)s", user=user.name, id=ticket.id, subject=ticket.subject),
            url=ticket.url, actor=user, recipients=mentioned, wg=ticket.wg, body=body,
            data={"ticket_id": ticket.id}, subject=ticket,
        ))


# -- create / update ---------------------------------------------------------------------------------

def _save_uploads(ticket: Ticket, user, uploads, change: history.Recording | None = None) -> list[Attachment]:
    saved = []
    for upload in uploads or []:
        attachment = files.store(upload, user.id)
        attachment.ticket = ticket
        db.session.add(attachment)
        saved.append(attachment)
    if saved:
        db.session.flush()
        if change is not None:
            for attachment in saved:
                change.add(f"attachment:{attachment.id}", None, attachment.filename)
    return saved


_RELOADED_AFTER_CREATE = [
    r.key for r in sa_inspect(Ticket).relationships
    if r.key not in {"wg", "tracker", "status", "priority", "author", "custom_values"}
]


def create_ticket(user, wg: WorkingGroup, values: dict, uploads=(), watcher_ids=()) -> Ticket:
    """A new ticket in ``wg`` by ``user`` from plain values (see FIELDS)."""
    if wg is None or not wg.allows(user, "add_issues"):
        raise ServiceError(_("You may not create tickets in this WG."))
    ticket = Ticket(wg=wg, wg_id=wg.id, author_id=user.id, author=user, lock_version=0, done_ratio=0, description="")
    problems = field_values.apply(ticket, user, values, creating=True)
    problems += files.check(list(uploads or []))
    if problems:
        db.session.expunge(ticket) if ticket in db.session else None
        raise ServiceError(problems)
    status = ticket.status if "status" in ticket.__dict__ else db.session.get(IssueStatus, ticket.status_id)
    if status and status.is_closed:
        ticket.closed_on = utcnow()
    with history.recording(user, ticket):  # a creation: its audit row (Redmine journals no creation)
        db.session.add(ticket)
        db.session.flush()
        _save_uploads(ticket, user, uploads)
    for watcher_id in set(watcher_ids or []):
        watched = db.session.get(User, int(watcher_id))
        if watched is not None and ticket.visible_to(watched):
            db.session.add(Watcher(ticket_id=ticket.id, user_id=watched.id))
    db.session.flush()
    # Collections filled by foreign key (watchers) or elsewhere are read again when used; the references
    # set above (WG, tracker, status, priority, author) and the custom values are what was just written.
    db.session.expire(ticket, _RELOADED_AFTER_CREATE)
    if not watcher_ids:
        set_committed_value(ticket, "watchers", [])  # nobody watches a new ticket yet: no query to find out
    if "custom_values" not in ticket.__dict__:
        set_committed_value(ticket, "custom_values", [])  # no applicable field gave a value
    if ticket.parent_id:
        relations.rollup(ticket.parent, user)
    reindex(ticket, new=True)
    events.emit(events.Event(
        kind="ticket.created",
        title=_l("#%(id)s %(subject)s was created by %(user)s", id=ticket.id, subject=ticket.subject, user=user.name),
        url=ticket.url, actor=user, recipients=recipients(ticket), wg=wg, body=ticket.description,
        data={"ticket_id": ticket.id}, subject=ticket,
    ))
    if ticket.assigned_to_id or ticket.assigned_section_id:
        _emit_assigned(ticket, user)
    _emit_mentions(ticket, user, ticket.description, set(), ticket.description)
    return ticket


def _emit_assigned(ticket: Ticket, user) -> None:
    people = [ticket.assigned_to] if ticket.assigned_to else [
        u for u in db.session.scalars(select(User).where(User.section_id == ticket.assigned_section_id, User.active.is_(True)))
    ]
    events.emit(events.Event(
        kind="ticket.assigned",
        title=_l("#%(id)s %(subject)s was assigned to %(assignee)s", id=ticket.id, subject=ticket.subject,
                 assignee=str(ticket.assignee)),
        url=ticket.url, actor=user, recipients=[p for p in people if ticket.visible_to(p)], wg=ticket.wg,
        data={"ticket_id": ticket.id}, subject=ticket,
    ))


def update_ticket(ticket: Ticket, user, values: dict | None = None, notes: str = "", private_notes: bool = False,
                  lock_version=None, uploads=()) -> Journal | None:
    """Change ``ticket``; one journal records the notes and every field's old → new value.

    ``lock_version`` is the version the user's form was made from: when the ticket changed since,
    StaleTicketError is raised and nothing is saved (optimistic locking, as Redmine). The same error
    comes when someone else saves the ticket between this request reading it and writing it (the
    ``WHERE lock_version = …`` of the UPDATE matches no row then); the caller rolls back."""
    try:
        return _update_ticket(ticket, user, values, notes, private_notes, lock_version, uploads)
    except StaleDataError:
        raise StaleTicketError(ticket) from None


def _update_ticket(ticket: Ticket, user, values, notes, private_notes, lock_version, uploads) -> Journal | None:
    values = dict(values or {})
    notes = (notes or "").strip()
    if lock_version not in (None, "") and int(lock_version) != ticket.lock_version:
        raise StaleTicketError(ticket)
    if not ticket.visible_to(user):
        raise ServiceError(_("You may not change this ticket."))
    wg = ticket.wg
    field_changes = rules.given_fields(values)
    problems = rules.refusals(user, wg, field_changes, notes=notes, private_notes=private_notes, uploads=uploads)
    can_edit = wg.allows(user, rules.EDIT)
    problems += files.check(list(uploads or []))
    if problems:
        raise ServiceError(problems)

    old_parent_id = ticket.parent_id
    old_status_closed = ticket.is_closed
    old_assignee = ticket.assignee_key
    old_description = ticket.description
    old_due = ticket.due_date
    old_indexed = (ticket.subject, ticket.description, ticket.wg_id)  # what the ticket's search document holds
    ticket._cf_changes = []
    with history.recording(user, ticket, notes=notes, private=bool(private_notes and notes)) as change:
        if field_changes:
            # No flush while the values are checked: each would be an UPDATE of the ticket (lock_version + 1).
            with db.session.no_autoflush:
                if can_edit:
                    problems += field_values.apply(ticket, user, field_changes, creating=False)
                else:
                    problems += field_values.apply_status_only(ticket, user, field_changes.get("status_id"))
        if problems:
            raise ServiceError(problems)
        for field_id, old, new in ticket._cf_changes:
            change.add(f"cf:{field_id}", old, new)
        with db.session.no_autoflush:
            new_status = db.session.get(IssueStatus, ticket.status_id)
        if new_status is not None and new_status.is_closed and not old_status_closed:
            ticket.closed_on = utcnow()
            if new_status.default_done_ratio is not None:
                ticket.done_ratio = new_status.default_done_ratio
        if notes or uploads or change.pending():
            touch(ticket, change.now)  # updated_at now, so that writing the journal does not change the ticket again
        # The ticket's one UPDATE of this save (lock_version + 1); the journal and the files are inserts.
        db.session.flush()
        db.session.expire(ticket, ["status"])  # the relationship follows the new status_id
        _save_uploads(ticket, user, uploads, change)
    journal = change.result
    if journal is None:
        return None
    db.session.flush()  # the journal's id, for its search document (no statement when it is written already)
    changed = {name for name, _old, _new in change.changes}
    if old_parent_id != ticket.parent_id or changed & {"start_date", "due_date", "estimated_hours", "done_ratio", "status_id"}:
        for parent_id in {old_parent_id, ticket.parent_id} - {None}:
            parent = db.session.get(Ticket, parent_id)
            if parent is not None:
                relations.rollup(parent, user)
    if ticket.due_date != old_due:
        relations.reschedule_followers(ticket, user)
    if (ticket.subject, ticket.description, ticket.wg_id) != old_indexed:
        reindex(ticket)  # an update of other fields leaves the indexed text as it is: no need to read it again
    index_journal(journal, new=True)
    db.session.flush()

    emit_updated(ticket, user, journal, body=notes or None, wg=wg)
    if ticket.assignee_key != old_assignee and ticket.assignee_key:
        _emit_assigned(ticket, user)
    already = {u.id for u in mentions.mentioned_users(old_description)}
    if not same_text(ticket.description, old_description):
        _emit_mentions(ticket, user, ticket.description, already, ticket.description)
    if notes and not journal.private_notes:
        _emit_mentions(ticket, user, notes, set(), notes)
    return journal


def add_note(ticket: Ticket, user, notes: str, private_notes: bool = False) -> Journal | None:
    return update_ticket(ticket, user, {}, notes=notes, private_notes=private_notes)


# -- copy, bulk, delete ------------------------------------------------------------------------------

def values_of(ticket: Ticket) -> dict:
    """The plain values of a ticket, as create_ticket takes them (for copies and forms)."""
    values = {name: getattr(ticket, name) for name in FIELDS}
    values["custom_fields"] = {str(k): v for k, v in customfields.values_of(ticket).items()}
    return values


def copy_ticket(source: Ticket, user, wg: WorkingGroup | None = None, overrides: dict | None = None,
                copy_attachments: bool = True, copy_subtasks: bool = False, link: bool = True, notes: str = "") -> Ticket:
    """A new ticket with the source's values (overridden by ``overrides``), linked "copied to"."""
    if not source.visible_to(user):
        raise ServiceError(_("You may not see this ticket."))
    wg = wg or source.wg
    values = values_of(source)
    values.pop("status_id")  # a copy starts in the tracker's default status unless told otherwise
    if wg.id != source.wg_id:
        for key in ("category_id", "fixed_version_id", "parent_id", "assigned_to_id"):
            values.pop(key)
    values.update(overrides or {})
    uploads = []
    if copy_attachments:
        uploads = [files.Upload(a.filename, files.disk_path(a).read_bytes() if files.disk_path(a).exists() else b"",
                                a.content_type, a.description) for a in source.attachments]
    copy = create_ticket(user, wg, values, uploads=uploads, watcher_ids=[w.user_id for w in source.watchers])
    if link:
        relations.add_relation(source, user, "copied_to", copy.id)
    if copy_subtasks:
        for child in list(source.children):
            copy_ticket(child, user, wg, {"parent_id": copy.id}, copy_attachments, True, link=False)
    if notes:
        update_ticket(copy, user, {}, notes=notes)
    return copy


def bulk_update(tickets: list[Ticket], user, values: dict, notes: str = "") -> list[Journal]:
    """The same change on several tickets; all or nothing: one refused ticket refuses the lot."""
    values = {k: v for k, v in values.items() if v != ""}  # "" = no change; None = clear the field
    if "assigned_to" in values and values["assigned_to"] == "none":
        values["assigned_to"] = ""
    problems, journals = [], []
    for ticket in tickets:
        try:
            journal = update_ticket(ticket, user, values, notes=notes)
        except ServiceError as error:
            problems += [f"#{ticket.id}: {m}" for m in error.messages]
            continue
        if journal is not None:
            journals.append(journal)
    if problems:
        raise ServiceError(problems)
    return journals


def delete_ticket(ticket: Ticket, user) -> None:
    """Delete a ticket with its subtasks, journals, relations, files and time entries."""
    if not ticket.visible_to(user) or not ticket.wg.allows(user, "delete_issues"):
        raise ServiceError(_("You may not delete this ticket."))
    parent = ticket.parent
    levels, frontier = [[ticket.id]], [ticket.id]
    while frontier:
        frontier = list(db.session.scalars(select(Ticket.id).where(Ticket.parent_id.in_(frontier))))
        if frontier:
            levels.append(frontier)
    ids = [ticket_id for level in levels for ticket_id in level]
    for ticket_id in [i for level in reversed(levels) for i in level]:  # the deepest subtasks first
        doomed = db.session.get(Ticket, ticket_id)
        for journal in doomed.journals:
            textsearch.remove_document("journal", journal.id)
        textsearch.remove_document("ticket", doomed.id)
        for attachment in doomed.attachments:
            files.remove_after_commit(attachment)
        db.session.execute(TicketRelation.__table__.delete().where(
            (TicketRelation.issue_from_id == doomed.id) | (TicketRelation.issue_to_id == doomed.id)
        ))
        db.session.delete(doomed)
        db.session.flush()
    if parent is not None and parent.id not in ids:
        db.session.expire(parent)
        relations.rollup(parent, user)


# -- watchers ----------------------------------------------------------------------------------------

def set_watching(ticket: Ticket, actor, watcher: User, watching: bool) -> None:
    if not ticket.visible_to(actor):
        raise ServiceError(_("You may not see this ticket."))
    if watcher.id != actor.id and not ticket.wg.allows(actor, "add_issue_watchers"):
        raise ServiceError(_("You may not change the watchers of this ticket."))
    if watching and not ticket.visible_to(watcher):
        raise ServiceError(_("%(name)s may not see this ticket.", name=watcher.name))
    existing = db.session.scalar(select(Watcher).where(Watcher.ticket_id == ticket.id, Watcher.user_id == watcher.id))
    if watching and existing is None:
        db.session.add(Watcher(ticket_id=ticket.id, user_id=watcher.id))
    elif not watching and existing is not None:
        db.session.delete(existing)
    db.session.flush()
    db.session.expire(ticket, ["watchers"])


def is_watching(ticket: Ticket, user) -> bool:
    return any(w.user_id == user.id for w in ticket.watchers)


def delete_attachment(attachment: Attachment, user) -> None:
    ticket = attachment.ticket
    if ticket is None or not ticket.editable_by(user):
        raise ServiceError(_("You may not delete this file."))
    with history.recording(user, ticket) as change:
        change.add(f"attachment:{attachment.id}", attachment.filename, None)
    files.remove_after_commit(attachment)
    db.session.delete(attachment)
