"""Operations that change WGs and their membership."""
from __future__ import annotations

from tracker.core.translation import gettext as _
from sqlalchemy import select

from tracker.accounts.models import User
from tracker.core import history, textsearch
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.wg.models import IDENTIFIER_PATTERN, Member, Role, WorkingGroup


class WGError(ServiceError):
    """WG or membership input that cannot be accepted."""


def _check(wg: WorkingGroup | None, identifier: str, name: str) -> list[str]:
    problems = []
    if not IDENTIFIER_PATTERN.match(identifier or ""):
        problems.append(
            _("The identifier must start with a lower-case letter and use only a-z, 0-9, - and _ (up to 100).")
        )
    else:
        clash = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == identifier))
        if clash is not None and clash is not wg:
            problems.append(_("The identifier %(identifier)s is already used.", identifier=identifier))
    if not (name or "").strip():
        problems.append(_("The name is required."))
    return problems


def create_wg(*, identifier: str, name: str, description: str = "", is_public: bool = True, creator: User | None = None) -> WorkingGroup:
    identifier = (identifier or "").strip()
    problems = _check(None, identifier, name)
    if problems:
        raise WGError(problems)
    wg = WorkingGroup(identifier=identifier, name=name.strip(), description=description or "", is_public=is_public)
    with history.recording(creator, wg):
        db.session.add(wg)
        db.session.flush()
        index_wg(wg)
    if creator is not None and not creator.is_admin:
        leader = db.session.scalar(select(Role).order_by(Role.position))
        if leader is not None:
            add_member(creator, wg, creator, [leader])
    return wg


def update_wg(actor, wg: WorkingGroup, *, name: str, description: str, is_public: bool) -> None:
    problems = _check(wg, wg.identifier, name)
    if problems:
        raise WGError(problems)
    with history.recording(actor, wg):
        wg.name = name.strip()
        wg.description = description or ""
        wg.is_public = is_public
    index_wg(wg)


def index_wg(wg: WorkingGroup) -> None:
    """Keep the WG findable by the search box (name, identifier, description)."""
    textsearch.index_document("wg", wg.id, wg.name, f"{wg.identifier}\n{wg.description}", wg_id=wg.id)


def add_member(actor, wg: WorkingGroup, user: User, roles: list[Role]) -> Member:
    if not roles:
        raise WGError([_("Choose at least one role.")])
    with history.recording(actor, wg):
        member = db.session.scalar(select(Member).where(Member.wg_id == wg.id, Member.user_id == user.id))
        if member is None:
            member = Member(wg=wg, user=user)
            db.session.add(member)
        member.roles = list({role.id: role for role in [*member.roles, *roles]}.values())
        db.session.flush()
    return member


def set_member_roles(actor, member: Member, roles: list[Role]) -> None:
    if not roles:
        raise WGError([_("Choose at least one role.")])
    with history.recording(actor, member.wg):
        member.roles = roles


def remove_member(actor, member: Member) -> None:
    wg = member.wg
    with history.recording(actor, wg):
        db.session.delete(member)
        db.session.flush()
        db.session.expire(wg, ["members"])


def save_role(actor, role: Role | None, name: str, permissions: list[str], position: int | None = None) -> Role:
    name = (name or "").strip()
    if not name:
        raise WGError([_("The name is required.")])
    clash = db.session.scalar(select(Role).where(Role.name == name))
    if clash is not None and clash is not role:
        raise WGError([_("A role named %(name)s already exists.", name=name)])
    role = role or Role()
    with history.recording(actor, role):
        role.name = name
        role.permissions = sorted(set(permissions))
        if position is not None:
            role.position = position
        db.session.add(role)
    return role
