"""Demo tickets of the Maebashi WGs (seed 000), through the services, so that journals, search and
roll-ups are real. Safe to run twice: tickets are looked up by WG and subject."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tracker.extensions import db
from tracker.tickets import relations, services, timelog
from tracker.tickets.admin import services as admin_services
from tracker.tickets.demo_data import CLASSIFICATION, CONSTRAINT, JOURNALS, RELATIONS, SETUP, TICKETS, TIME
from tracker.tickets.models import (
    CustomField, IssueCategory, IssuePriority, IssueStatus, Ticket, TimeEntryActivity, Tracker, Version,
)


def _by_name(model, **filters):
    return {o.name: o for o in db.session.scalars(select(model).filter_by(**filters))}


def load(ctx) -> None:
    users, sections, wgs = ctx.shared["users"], ctx.shared["sections"], ctx.shared["wgs"]
    trackers, statuses = _by_name(Tracker), _by_name(IssueStatus)
    priorities, activities = _by_name(IssuePriority), _by_name(TimeEntryActivity)
    fields = {}
    for name, choices, description in (CLASSIFICATION, CONSTRAINT):
        field = db.session.scalar(select(CustomField).where(CustomField.name == name))
        if field is None:
            field = admin_services.save_custom_field(
                None, name=name, field_format="list", possible_values=choices, multiple=True, is_for_all=True,
                description=description, tracker_ids=[trackers["課題"].id, trackers["タスク"].id],
            )
            db.session.flush()
        fields[name] = field
    for identifier, (categories, versions) in SETUP.items():
        wg = wgs[identifier]
        existing = _by_name(IssueCategory, wg_id=wg.id)
        for name in categories:
            if name not in existing:
                admin_services.save_category(wg, None, name)
        existing = _by_name(Version, wg_id=wg.id)
        for name, due in versions:
            if name not in existing:
                admin_services.save_version(wg, None, name, due)
    db.session.flush()

    tickets: dict[str, Ticket] = {}
    created = False
    for (key, identifier, tracker, subject, description, author, assignee, status, priority, category, version,
         start, due, estimate, done, parent, classification, constraint) in TICKETS:
        wg = wgs[identifier]
        ticket = db.session.scalar(select(Ticket).where(Ticket.wg_id == wg.id, Ticket.subject == subject))
        if ticket is None:
            created = True
            values = {
                "tracker_id": trackers[tracker].id, "subject": subject, "description": description,
                "priority_id": priorities[priority].id, "start_date": start, "due_date": due, "estimated_hours": estimate,
                "done_ratio": done, "parent_id": tickets[parent].id if parent else None,
                "category_id": _by_name(IssueCategory, wg_id=wg.id)[category].id if category else None,
                "fixed_version_id": _by_name(Version, wg_id=wg.id)[version].id if version else None,
            }
            if assignee.startswith("section:"):
                values["assigned_section_id"] = sections[assignee[8:]].id
            else:
                values["assigned_to_id"] = users[assignee].id
            if trackers[tracker] in fields["分類"].trackers:
                values["custom_fields"] = {fields["分類"].id: classification, fields["制約"].id: constraint}
            ticket = services.create_ticket(users[author], wg, values, watcher_ids=[users[author].id])
            if status != "新規":
                services.update_ticket(ticket, users[author] if not users[author].is_admin else users["admin"],
                                       {"status_id": statuses[status].id})
        tickets[key] = ticket
    if not created:
        return
    for key, login, notes, changes, private in JOURNALS:
        values = {}
        if "status" in changes:
            values["status_id"] = statuses[changes["status"]].id
        if "done_ratio" in changes:
            values["done_ratio"] = changes["done_ratio"]
        services.update_ticket(tickets[key], users[login], values, notes=notes, private_notes=private)
    for source, kind, target, delay in RELATIONS:
        relations.add_relation(tickets[source], users["honma"] if tickets[source].wg.identifier == "mynumber-card" else users["kobayashi"],
                               kind, tickets[target].id, delay)
    for key, login, day, hours, activity, comment in TIME:
        timelog.log_time(users[login], {"spent_on": date.fromisoformat(day), "hours": hours,
                                        "activity_id": activities[activity].id, "comments": comment}, ticket=tickets[key])
    db.session.flush()
    ctx.shared["tickets"] = tickets
    from tracker.tickets.search import reindex_all

    reindex_all()  # WGs made before the search index existed become findable too
