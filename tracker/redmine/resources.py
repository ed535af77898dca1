"""Projects (WGs), memberships, versions, categories, users, the enumerations, custom fields, roles and search,
in Redmine's JSON shapes."""
from __future__ import annotations

from flask import request
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from tracker.accounts.models import User
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import (
    created, jsonify, no_content,
    body, bp, forbidden, get_or_404, not_found, page, paging, user, wg_or_404,
)
from tracker.redmine.issues import commit
from tracker.tickets.admin import services as admin_services
from tracker.tickets.models import (
    CustomField, IssueCategory, IssuePriority, IssueStatus, TimeEntryActivity, Tracker, Version,
)
from tracker.wg.models import Member, Role, WorkingGroup

# -- projects ----------------------------------------------------------------------------------------


def _trackers() -> list[Tracker]:
    return list(db.session.scalars(select(Tracker).order_by(Tracker.position, Tracker.id)))


def _project_extra(wg, includes) -> dict:
    extra = {}
    if "trackers" in includes:
        extra["trackers"] = [serialize.ref(t) for t in _trackers()]
    if "issue_categories" in includes:
        extra["issue_categories"] = [
            serialize.ref(c) for c in db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == wg.id).order_by(IssueCategory.name))
        ]
    if "enabled_modules" in includes:
        extra["enabled_modules"] = [{"id": n, "name": name} for n, name in enumerate(("issue_tracking", "time_tracking"), 1)]
    if "time_entry_activities" in includes:
        extra["time_entry_activities"] = [serialize.ref(a) for a in _enumeration(TimeEntryActivity)]
    return extra


@bp.get("/projects.json")
def projects_index():
    offset, limit = paging()
    condition = WorkingGroup.visible(user())
    # As Redmine, archived projects only when asked for (status=9; administrators alone can see them).
    if request.args.get("status") == str(serialize.STATUS_ARCHIVED):
        condition = condition & WorkingGroup.archived_at.is_not(None)
    else:
        condition = condition & WorkingGroup.archived_at.is_(None)
    total = db.session.scalar(select(func.count(WorkingGroup.id)).where(condition))
    wgs = db.session.scalars(select(WorkingGroup).where(condition).order_by(WorkingGroup.id).offset(offset).limit(limit))
    includes = set(request.args.get("include", "").split(","))
    return page([serialize.project(wg, _project_extra(wg, includes)) for wg in wgs], "projects", total, offset, limit)


@bp.get("/projects/<key>.json")
def project_show(key):
    wg = wg_or_404(key)
    includes = set(request.args.get("include", "").split(","))
    return jsonify(project=serialize.project(wg, _project_extra(wg, includes)))


@bp.get("/projects/<key>/memberships.json")
def memberships_index(key):
    wg = wg_or_404(key)
    offset, limit = paging()
    total = db.session.scalar(select(func.count(Member.id)).where(Member.wg_id == wg.id))
    members = db.session.scalars(
        select(Member).where(Member.wg_id == wg.id).options(selectinload(Member.user)).order_by(Member.id).offset(offset).limit(limit)
    )
    items = [
        {"id": m.id, "project": serialize.project_ref(wg), "user": serialize.user_ref(m.user),
         "roles": [serialize.ref(r) for r in m.roles]}
        for m in members
    ]
    return page(items, "memberships", total, offset, limit)


@bp.get("/projects/<key>/versions.json")
def versions_index(key):
    wg = wg_or_404(key)
    versions = list(db.session.scalars(select(Version).where(Version.wg_id == wg.id).order_by(Version.effective_date, Version.id)))
    for version in versions:
        version.wg = wg
    return jsonify(versions=[serialize.version(v) for v in versions], total_count=len(versions))


@bp.post("/projects/<key>/versions.json")
def version_create(key):
    wg = wg_or_404(key)
    if not wg.allows(user(), "manage_categories"):
        forbidden()
    data = body("version")
    version = commit(lambda: admin_services.save_version(
        wg, None, data.get("name") or "", data.get("due_date") or data.get("effective_date"), data.get("status") or "open",
        data.get("description") or "",
    ))
    version.wg = wg
    return created({"version": serialize.version(version)}, f"/versions/{version.id}.json")


def _visible_version(version_id: int) -> Version:
    version = get_or_404(Version, version_id)
    wg = db.session.get(WorkingGroup, version.wg_id)
    if not wg.allows(user(), "view_issues"):
        not_found()
    version.wg = wg
    return version


@bp.get("/versions/<int:version_id>.json")
def version_show(version_id: int):
    return jsonify(version=serialize.version(_visible_version(version_id)))


@bp.route("/versions/<int:version_id>.json", methods=["PUT", "PATCH"])
def version_update(version_id: int):
    version = _visible_version(version_id)
    if not version.wg.allows(user(), "manage_categories"):
        forbidden()
    data = body("version")
    commit(lambda: admin_services.save_version(
        version.wg, version, data.get("name", version.name), data.get("due_date", version.effective_date),
        data.get("status", version.status), data.get("description", version.description),
    ))
    return no_content()


@bp.get("/projects/<key>/issue_categories.json")
def categories_index(key):
    wg = wg_or_404(key)
    categories = list(db.session.scalars(select(IssueCategory).where(IssueCategory.wg_id == wg.id).order_by(IssueCategory.name)))
    items = [{"id": c.id, "project": serialize.project_ref(wg), "name": c.name} for c in categories]
    return jsonify(issue_categories=items, total_count=len(items))


@bp.post("/projects/<key>/issue_categories.json")
def category_create(key):
    wg = wg_or_404(key)
    if not wg.allows(user(), "manage_categories"):
        forbidden()
    data = body("issue_category")
    category = commit(lambda: admin_services.save_category(wg, None, data.get("name") or ""))
    db.session.flush()
    return created({"issue_category": {"id": category.id, "project": serialize.project_ref(wg), "name": category.name}},
                   f"/issue_categories/{category.id}.json")


# -- users -------------------------------------------------------------------------------------------


def _memberships_of(person) -> list[dict]:
    members = db.session.scalars(select(Member).where(Member.user_id == person.id).order_by(Member.id))
    me = user()
    return [
        {"id": m.id, "project": serialize.project_ref(m.wg), "roles": [serialize.ref(r) for r in m.roles]}
        for m in members if m.wg.visible_to(me)
    ]


@bp.get("/users/current.json")
def user_current():
    me = user()
    data = serialize.user(me, full=True)
    if "memberships" in request.args.get("include", ""):
        data["memberships"] = _memberships_of(me)
    return jsonify(user=data)


@bp.get("/users.json")
def users_index():
    if not user().is_admin:
        forbidden()
    offset, limit = paging()
    conditions = []
    status = request.args.get("status", "1")
    if status == "1":
        conditions.append(User.active.is_(True))
    elif status in ("2", "3"):
        conditions.append(User.active.is_(False))
    if request.args.get("name"):
        like = f"%{request.args['name']}%"
        conditions.append((User.login.ilike(like)) | (User.name.ilike(like)) | (User.email.ilike(like)))
    total = db.session.scalar(select(func.count(User.id)).where(*conditions))
    people = db.session.scalars(select(User).where(*conditions).order_by(User.id).offset(offset).limit(limit))
    return page([serialize.user(p, full=True, status=False) for p in people], "users", total, offset, limit)


@bp.get("/users/<int:user_id>.json")
def user_show(user_id: int):
    me = user()
    person = get_or_404(User, user_id)
    if not person.active and not me.is_admin:
        not_found()
    data = serialize.user(person, full=me.is_admin or person.id == me.id, status=me.is_admin)
    if me.is_admin and "groups" in request.args.get("include", ""):  # a user's group is their section
        section = person.section
        data["groups"] = [{"id": section.id, "name": section.full_name}] if section is not None else []
    if "memberships" in request.args.get("include", ""):
        data["memberships"] = _memberships_of(person)
    return jsonify(user=data)


# -- vocabularies ------------------------------------------------------------------------------------


def _enumeration(model):
    return list(db.session.scalars(select(model).where(model.active.is_(True)).order_by(model.position, model.id)))


@bp.get("/trackers.json")
def trackers_index():
    items = []
    for tracker in _trackers():
        default = tracker.default_status
        items.append({
            "id": tracker.id, "name": tracker.name,
            "default_status": serialize.ref(default) if default else None, "description": None,
            "enabled_standard_fields": ["assigned_to_id", "category_id", "fixed_version_id", "parent_issue_id", "start_date",
                                        "due_date", "estimated_hours", "done_ratio", "description"],
        })
    return jsonify(trackers=items)


@bp.get("/issue_statuses.json")
def statuses_index():
    statuses = db.session.scalars(select(IssueStatus).order_by(IssueStatus.position, IssueStatus.id))
    return jsonify(issue_statuses=[serialize.status(s) for s in statuses])


def _enumeration_json(items) -> list[dict]:
    return [{"id": e.id, "name": e.name, "is_default": bool(e.is_default), "active": bool(e.active)} for e in items]


@bp.get("/enumerations/issue_priorities.json")
def priorities_index():
    return jsonify(issue_priorities=_enumeration_json(_enumeration(IssuePriority)))


@bp.get("/enumerations/time_entry_activities.json")
def activities_index():
    return jsonify(time_entry_activities=_enumeration_json(_enumeration(TimeEntryActivity)))


@bp.get("/roles.json")
def roles_index():
    roles = db.session.scalars(select(Role).order_by(Role.position, Role.id))
    return jsonify(roles=[serialize.ref(r) for r in roles])


@bp.get("/custom_fields.json")
def custom_fields_index():
    if not user().is_admin:  # as in Redmine: the definitions are for administrators
        forbidden()
    fields = db.session.scalars(select(CustomField).order_by(CustomField.position, CustomField.id))
    return jsonify(custom_fields=[serialize.custom_field(f) for f in fields])
