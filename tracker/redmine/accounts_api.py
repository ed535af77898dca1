"""Users (administrators: create, update, lock with ``status=3``, delete), ``/my/account`` and groups at
Redmine's paths. Redmine's groups are WG Tracker's sections (課): a group's users are the section's staff, its
memberships the WGs its staff belong to. As in Redmine (``UsersController``, ``GroupsController``), writing
users and groups, and listing groups, is for administrators; a group can be shown to anyone signed in."""
from __future__ import annotations

from flask import request
from sqlalchemy import select

from tracker.accounts import organisation
from tracker.accounts import services as accounts
from tracker.accounts.models import Department, Section, User
from tracker.core.requests import perform_api
from tracker.core.translation import gettext as _
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import (
    body, bp, created, forbidden, get_or_404, invalid, jsonify, no_content, user,
)
from tracker.redmine.naming import join_name, split_name
from tracker.redmine.resources import _memberships_of
from tracker.wg.models import Member

# Redmine's user statuses; "registered" (2) has no counterpart and reads as locked.
STATUS_ACTIVE, STATUS_REGISTERED, STATUS_LOCKED = 1, 2, 3
TRUE = ("true", "1")


def _require_admin() -> User:
    me = user()
    if not me.is_admin:
        forbidden()
    return me


def _flag(value) -> bool:
    return value is True or str(value).lower() in TRUE


def _status(value) -> bool | None:
    """``active`` for Redmine's status, or None when absent."""
    if value is None or str(value).strip() == "":
        return None
    if str(value) not in (str(STATUS_ACTIVE), str(STATUS_REGISTERED), str(STATUS_LOCKED)):
        invalid([_("Status is not included in the list")])
    return str(value) == str(STATUS_ACTIVE)


def _user_fields(data: dict, person: User | None) -> dict:
    fields: dict = {}
    if "login" in data:
        fields["login"] = str(data["login"] or "")
    if "mail" in data:
        fields["email"] = str(data["mail"] or "")
    if "firstname" in data or "lastname" in data:
        first, last = split_name(person.name) if person is not None else ("", "")
        fields["name"] = join_name(data.get("firstname", first), data.get("lastname", last))
    if "admin" in data:
        fields["is_admin"] = _flag(data["admin"])
    if "language" in data:
        fields["language"] = data["language"] or None
    return fields


@bp.post("/users.json")
def user_create():
    me = _require_admin()
    data = body("user")
    fields = _user_fields(data, None)
    fields.setdefault("login", "")
    fields.setdefault("email", "")
    fields["name"] = join_name(data.get("firstname"), data.get("lastname")) if (
        data.get("firstname") or data.get("lastname")) else ""
    active = _status(data.get("status"))
    password = data.get("password") or None
    person = perform_api(lambda: accounts.create_user_as_admin(
        me, via="api", password=password, password_set_by_admin=_flag(data.get("must_change_passwd")),
        active=active is not False, **fields,
    ))
    return created({"user": serialize.user(person, full=True)}, f"/users/{person.id}.json")


@bp.route("/users/<int:user_id>.json", methods=["PUT", "PATCH"])
def user_update(user_id: int):
    me = _require_admin()
    person = get_or_404(User, user_id)
    data = body("user")
    fields = _user_fields(data, person)
    active = _status(data.get("status"))
    if active is False and person.id == me.id:
        invalid([_("You cannot lock your own account.")])
    if active is not None:
        fields["active"] = active
    perform_api(lambda: accounts.update_user(person, actor=me, password=data.get("password") or None, **fields))
    return no_content()


@bp.delete("/users/<int:user_id>.json")
def user_delete(user_id: int):
    me = _require_admin()
    person = get_or_404(User, user_id)
    perform_api(lambda: accounts.delete_user(me, person))
    return no_content()


# -- my account --------------------------------------------------------------------------------------

@bp.get("/my/account.json")
def my_account():
    me = user()
    # my/account.api.rsb; the API key is kept only as a digest here, so it cannot be shown (see /my/api_key).
    firstname, lastname = split_name(me.name)
    return jsonify(user={"id": me.id, "login": me.login, "admin": bool(me.is_admin), "firstname": firstname,
                         "lastname": lastname, "mail": me.email, "created_on": serialize.when(me.created_at),
                         "last_login_on": serialize.when(me.last_login_at)})


@bp.route("/my/account.json", methods=["PUT", "PATCH"])
def my_account_update():
    me = user()
    data = body("user")
    first, last = split_name(me.name)
    name = join_name(data.get("firstname", first), data.get("lastname", last))
    perform_api(lambda: accounts.update_own_account(
        me, name=name, name_kana=me.name_kana, email=str(data.get("mail", me.email) or ""),
        language=data.get("language", me.language),
    ))
    return no_content()


# -- groups: sections --------------------------------------------------------------------------------

def group_json(section: Section, includes: set[str] = frozenset()) -> dict:
    data = {"id": section.id, "name": section.full_name}
    if "users" in includes:
        staff = db.session.scalars(select(User).where(User.section_id == section.id, User.active.is_(True))
                                   .order_by(User.id))
        data["users"] = [serialize.user_ref(p) for p in staff]
    if "memberships" in includes:
        data["memberships"] = _section_memberships(section)
    return data


def _section_memberships(section: Section) -> list[dict]:
    """The WGs the section's staff belong to, each with the roles they hold there (Redmine: inherited)."""
    me = user()
    by_wg: dict[int, dict] = {}
    members = db.session.scalars(select(Member).join(User, User.id == Member.user_id)
                                 .where(User.section_id == section.id).order_by(Member.wg_id, Member.id))
    for member in members:
        if not member.wg.visible_to(me):
            continue
        entry = by_wg.setdefault(member.wg_id, {"id": member.wg_id, "project": serialize.project_ref(member.wg),
                                                "roles": []})
        for role in member.roles:
            if role.id not in {r["id"] for r in entry["roles"]}:
                entry["roles"].append(serialize.ref(role))
    return list(by_wg.values())


def _includes() -> set[str]:
    return {part.strip() for part in request.args.get("include", "").split(",") if part.strip()}


@bp.get("/groups.json")
def groups_index():
    _require_admin()
    return jsonify(groups=[group_json(s) for s in organisation.all_sections()])


@bp.get("/groups/<int:group_id>.json")
def group_show(group_id: int):
    return jsonify(group=group_json(get_or_404(Section, group_id), _includes()))


def _department_and_name(data: dict, section: Section | None) -> tuple[int, str]:
    """A group's name is "部 課" (or "部 / 課"); ``department_id`` may name the department instead."""
    name = str(data.get("name") or "").strip()
    department_id = data.get("department_id")
    if str(department_id or "").isdigit():
        return int(department_id), name
    for separator in (" / ", "/", " ", "\u3000"):
        if separator in name:
            head, tail = name.split(separator, 1)
            department = db.session.scalar(select(Department).where(Department.name == head.strip()))
            if department is not None:
                return department.id, tail.strip()
    if section is not None:
        return section.department_id, name if name != section.full_name else section.name
    invalid([_("Name the department first, as in 「総務部 情報政策課」, or send department_id.")])


def _set_staff(me: User, section: Section, user_ids) -> None:
    wanted = {int(i) for i in (user_ids if isinstance(user_ids, list) else [user_ids]) if str(i).isdigit()}
    for person in db.session.scalars(select(User).where(User.section_id == section.id, User.id.not_in(wanted))):
        accounts.update_user(person, actor=me, section_id=None)
    for person in db.session.scalars(select(User).where(User.id.in_(wanted))):
        if person.section_id != section.id:
            accounts.update_user(person, actor=me, section_id=section.id)


@bp.post("/groups.json")
def group_create():
    me = _require_admin()
    data = body("group")
    department_id, name = _department_and_name(data, None)

    def create():
        section = organisation.save_section(None, department_id, name, None)
        db.session.flush()
        if data.get("user_ids") is not None:
            _set_staff(me, section, data["user_ids"])
        return section

    section = perform_api(create)
    return created({"group": group_json(section)}, f"/groups/{section.id}.json")


@bp.route("/groups/<int:group_id>.json", methods=["PUT", "PATCH"])
def group_update(group_id: int):
    me = _require_admin()
    section = get_or_404(Section, group_id)
    data = body("group")

    def change():
        if data.get("name"):
            department_id, name = _department_and_name(data, section)
            organisation.save_section(section, department_id, name, section.position)
        if data.get("user_ids") is not None:
            _set_staff(me, section, data["user_ids"])

    perform_api(change)
    return no_content()


@bp.delete("/groups/<int:group_id>.json")
def group_delete(group_id: int):
    _require_admin()
    section = get_or_404(Section, group_id)
    perform_api(lambda: organisation.delete_section(section))
    return no_content()


@bp.post("/groups/<int:group_id>/users.json")
def group_add_user(group_id: int):
    me = _require_admin()
    section = get_or_404(Section, group_id)
    data = body("user") if request.get_data() else {}
    raw = data.get("user_id", request.args.get("user_id"))
    person = db.session.get(User, int(raw)) if str(raw or "").isdigit() else None
    if person is None:
        invalid([_("User cannot be blank")])
    perform_api(lambda: accounts.update_user(person, actor=me, section_id=section.id))
    return no_content()


@bp.delete("/groups/<int:group_id>/users/<int:user_id>.json")
def group_remove_user(group_id: int, user_id: int):
    me = _require_admin()
    section = get_or_404(Section, group_id)
    person = get_or_404(User, user_id)
    if person.section_id == section.id:
        perform_api(lambda: accounts.update_user(person, actor=me, section_id=None))
    return no_content()

