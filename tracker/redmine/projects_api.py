"""Writing projects (WGs) and memberships through Redmine's API, and the project resources of modules WG
Tracker does not have (news, wiki, files), which answer as Redmine answers for a disabled module: 403 in a
project the user can see, 404 where there is no such project.

As in Redmine 5.0 (``ProjectsController``, ``MembersController``): creating a project needs the right to
create WGs; editing needs ``manage_wg``; archive and unarchive are for administrators; members are
managed with ``manage_members``; deleting needs ``delete_wg`` (Redmine's ``delete_project``). Create answers 201 with the object, update and delete 204.
"""
from __future__ import annotations

from flask import request
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.core.requests import authorize, perform_api
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import (
    ApiAbort, body, bp, created, find_any_wg, forbidden, get_or_404, invalid, jsonify, no_content, not_found,
    page, paging, user, wg_or_404,
)
from tracker.wg import services
from tracker.wg.models import Member, Role
from tracker.wg.views import can_create_wg

# Redmine's clients send booleans as true/false, "true"/"false" or "1"/"0" (form style).
TRUE = {True, "true", "1", 1}


def _flag(value, default: bool) -> bool:
    if value is None:
        return default
    return value in TRUE or str(value).lower() in ("true", "1")


# -- projects ----------------------------------------------------------------------------------------

@bp.post("/projects.json")
def project_create():
    me = user()
    if not can_create_wg(me):
        forbidden()
    data = body("project")
    wg = perform_api(lambda: services.create_wg(
        identifier=str(data.get("identifier") or "").strip(), name=str(data.get("name") or ""),
        description=str(data.get("description") or ""), is_public=_flag(data.get("is_public"), True), creator=me,
    ))
    return created({"project": serialize.project(wg)}, f"/projects/{wg.id}.json")


@bp.route("/projects/<key>.json", methods=["PUT", "PATCH"])
def project_update(key):
    wg = wg_or_404(key)
    authorize("manage", wg)
    data = body("project")
    # As in Redmine, the identifier cannot change once the project exists; it is ignored here.
    perform_api(lambda: services.update_wg(
        user(), wg, name=str(data.get("name", wg.name) or ""),
        description=str(data["description"] or "") if "description" in data else wg.description,
        is_public=_flag(data.get("is_public"), wg.is_public),
    ))
    return no_content()


def _admin_wg(key):
    """The WG for an administrator's action (archived ones included); 403 for anyone else."""
    wg = find_any_wg(key)
    if wg is None:
        not_found()
    if not user().is_admin:
        forbidden()
    return wg


@bp.put("/projects/<key>/archive.json")
def project_archive(key):
    wg = _admin_wg(key)
    perform_api(lambda: services.set_archived(user(), wg, True))
    return no_content()


@bp.put("/projects/<key>/unarchive.json")
def project_unarchive(key):
    wg = _admin_wg(key)
    perform_api(lambda: services.set_archived(user(), wg, False))
    return no_content()


@bp.delete("/projects/<key>.json")
def project_delete(key):
    """Administrators, or members holding ``delete_wg`` (Redmine's ``delete_project``)."""
    wg = wg_or_404(key)
    if not wg.allows(user(), "delete_wg"):
        forbidden()
    perform_api(lambda: services.delete_wg(user(), wg))
    return no_content()


# -- memberships -------------------------------------------------------------------------------------

def membership_json(member: Member) -> dict:
    return {"id": member.id, "project": serialize.project_ref(member.wg), "user": serialize.user_ref(member.user),
            "roles": [serialize.ref(r) for r in member.roles]}


def _roles(data: dict) -> list[Role]:
    raw = data.get("role_ids") or []
    raw = raw if isinstance(raw, list) else [raw]
    ids = [int(v) for v in raw if str(v).strip().isdigit()]
    roles = list(db.session.scalars(select(Role).where(Role.id.in_(ids)).order_by(Role.position))) if ids else []
    if not roles:
        invalid([_("Role cannot be empty")])
    return roles


@bp.post("/projects/<key>/memberships.json")
def membership_create(key):
    wg = wg_or_404(key)
    authorize("manage_members", wg)
    data = body("membership")
    raw = data.get("user_id")
    person = db.session.get(User, int(raw)) if str(raw or "").strip().isdigit() else None
    if person is None or not person.active:
        invalid([_("User cannot be blank")])
    roles = _roles(data)
    if db.session.scalar(select(Member.id).where(Member.wg_id == wg.id, Member.user_id == person.id)):
        invalid([_("User has already been taken")])
    member = perform_api(lambda: services.add_member(user(), wg, person, roles))
    return created({"membership": membership_json(member)}, f"/memberships/{member.id}.json")


def _visible_member(member_id: int) -> Member:
    member = get_or_404(Member, member_id)
    if not member.wg.visible_to(user()):
        not_found()
    return member


@bp.get("/memberships/<int:member_id>.json")
def membership_show(member_id: int):
    return jsonify(membership=membership_json(_visible_member(member_id)))


@bp.route("/memberships/<int:member_id>.json", methods=["PUT", "PATCH"])
def membership_update(member_id: int):
    member = _visible_member(member_id)
    authorize("manage_members", member.wg)
    roles = _roles(body("membership"))
    perform_api(lambda: services.set_member_roles(user(), member, roles))
    return no_content()


@bp.delete("/memberships/<int:member_id>.json")
def membership_delete(member_id: int):
    member = _visible_member(member_id)
    authorize("manage_members", member.wg)
    perform_api(lambda: services.remove_member(user(), member))
    return no_content()


# -- modules WG Tracker does not have ----------------------------------------------------------------
# Redmine checks the project first (404), then the module's permission, which a disabled module never
# grants (403). Reads and writes alike.

DISABLED_MODULE_PATHS = (
    "/projects/<key>/news.json",
    "/projects/<key>/files.json",
    "/projects/<key>/wiki/index.json",
    "/projects/<key>/wiki/<path:title>.json",
)


def _disabled_module(key, **_ignored):
    wg_or_404(key)
    raise ApiAbort(403, [_("This WG does not use that module (WG Tracker has no news, wiki or files).")])


for _number, _path in enumerate(DISABLED_MODULE_PATHS):
    bp.add_url_rule(_path, f"disabled_module_{_number}", _disabled_module, methods=["GET", "POST", "PUT", "DELETE"])


@bp.get("/news.json")
def news_index():
    """Redmine lists the news of the projects where the module is on: here, none. With ``project_id`` it is
    that project's news, so a disabled module (403), or a missing project (404)."""
    if request.args.get("project_id"):
        _disabled_module(request.args["project_id"])
    offset, limit = paging()
    return page([], "news", 0, offset, limit)


@bp.route("/news/<int:news_id>.json", methods=["GET", "PUT", "DELETE"])
def news_item(news_id: int):
    not_found()

