"""Every registered access policy answers the same in Python (``can``) and in SQL (``visible``), for every
scenario object of its model and every scenario user, on the real database; and the registry covers every
protected model (a hard failure listing the missing ones: the policies land in tracker/<feature>/policy.py)."""
from __future__ import annotations

import pytest
from flask_login import AnonymousUserMixin
from sqlalchemy import select

from tests.access import scenario as sc
from tracker.core import policy

REQUIRED_MODELS = ["WorkingGroup", "Ticket", "Journal", "TicketRelation", "Attachment", "TimeEntry", "SavedQuery",
                   "Meeting", "Risk", "Kpi", "KpiMeasurement", "QuarterlyEntry", "Note", "Charter", "GateDecision",
                   "Idea", "IdeaComment", "Profile", "HelpRequest", "Notification"]


def _load_policies():
    # The feature modules register their policies on import; the app factory imports them all.
    return policy.registered()


def test_registry_covers_every_protected_model(app):
    names = {model.__name__ for model in _load_policies()}
    missing = [name for name in REQUIRED_MODELS if name not in names]
    assert not missing, f"no policy registered for: {', '.join(missing)}"


def _objects_of(model, scenario, db):
    """Every row of ``model`` in the scenario's database (the scenario's own plus what the services made)."""
    return list(db.session.scalars(select(model)))


def _users(scenario):
    return {name: (user if user is not None else AnonymousUserMixin()) for name, user in scenario.users.items()}


def test_can_agrees_with_visible(app, scenario, module_db):
    policies = _load_policies()
    if not policies:
        pytest.fail("no policy is registered at all (tracker.core.policy.registered() is empty)")
    disagreements = []
    checked = 0
    for model, model_policy in policies.items():
        objects = _objects_of(model, scenario, module_db)
        for name, user in _users(scenario).items():
            visible = set(module_db.session.scalars(model_policy.visible_ids(user)))
            for obj in objects:
                checked += 1
                if bool(policy.can(user, policy.VIEW, obj)) != (obj.id in visible):
                    disagreements.append(f"{model.__name__} #{obj.id} for {name}: can={not obj.id in visible}, "
                                         f"visible={obj.id in visible}")
    assert checked, "no scenario object of any registered model"
    assert not disagreements, "\n".join(disagreements)


def test_journals_of_one_ticket_agree_with_can(app, scenario, module_db):
    """The ticket page's narrowed rule (``JournalPolicy.visible_on_ticket``) selects exactly the journals that
    ``can`` allows, private notes included, for every ticket and user of the scenario."""
    from tracker.tickets.models import Journal, Ticket

    journal_policy = policy.policy_for(Journal)
    disagreements = []
    for ticket in module_db.session.scalars(select(Ticket)):
        journals = list(module_db.session.scalars(select(Journal).where(Journal.ticket_id == ticket.id)))
        for name, user in _users(scenario).items():
            shown = set(module_db.session.scalars(select(Journal.id).where(journal_policy.visible_on_ticket(user, ticket))))
            allowed = {j.id for j in journals if policy.can(user, policy.VIEW, j)}
            if shown != allowed:
                disagreements.append(f"ticket #{ticket.id} for {name}: shown {sorted(shown)}, allowed {sorted(allowed)}")
    assert not disagreements, "\n".join(disagreements)


def test_the_audience_of_every_subject_is_who_can_see_it(app, scenario, module_db):
    """``notify.audience.visible_to`` (one statement for all recipients, whichever way the policy allows) gives
    exactly the users ``can`` lets see the subject, for every object of every registered model."""
    from flask import g

    from tracker.notify.audience import visible_to

    users = [user for user in _users(scenario).values() if policy.is_signed_in(user)]
    disagreements = []
    for model in _load_policies():
        for obj in _objects_of(model, scenario, module_db):
            g.pop("_wg_permission_cache", None)
            heard = visible_to(obj, users)
            allowed = {user.id for user in users if policy.can(user, policy.VIEW, obj)}
            if heard != allowed:
                disagreements.append(f"{model.__name__} #{obj.id}: heard by {sorted(heard)}, allowed {sorted(allowed)}")
    assert not disagreements, "\n".join(disagreements)


def test_the_wg_ids_read_together_for_the_request_user_are_each_permissions_own(app, scenario, module_db):
    """``ids_with_permission`` reads the WG ids of the permissions every list asks about (READ_TOGETHER) in one
    statement for the request's user: for every scenario user, whichever permission is asked first, each set is
    the one its own ``with_permission`` selects."""
    from flask import g
    from flask_login import login_user
    from sqlalchemy import event

    from tracker.wg import policy as wg_policy
    from tracker.wg.models import WorkingGroup

    statements = []
    record = lambda *args: statements.append(args[2])  # noqa: E731
    for name, user in scenario.users.items():
        if user is None or user.is_admin:
            continue
        own = {p: set(module_db.session.scalars(select(WorkingGroup.id).where(wg_policy.with_permission(user, p))))
               for p in wg_policy.READ_TOGETHER}
        for first in wg_policy.READ_TOGETHER:
            with app.test_request_context():
                g.pop("_wg_permission_cache", None)  # the tests' app context outlives each request's
                login_user(user)
                event.listen(module_db.engine, "before_cursor_execute", record)
                try:
                    statements.clear()
                    read = {p: set(wg_policy.ids_with_permission(user, p))
                            for p in (first, *[p for p in wg_policy.READ_TOGETHER if p != first])}
                finally:
                    event.remove(module_db.engine, "before_cursor_execute", record)
            assert read == own, (name, first)
            assert len([s for s in statements if "working_groups" in s]) == 1, (name, first, statements)
