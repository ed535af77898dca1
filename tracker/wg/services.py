"""Operations that change WGs and their membership."""
from __future__ import annotations

from tracker.core.translation import gettext as _
from sqlalchemy import delete, select

from tracker.accounts.models import User
from tracker.core import history, textsearch
from tracker.core.db import utcnow
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.wg.models import (
    IDENTIFIER_MAX_LENGTH, IDENTIFIER_PATTERN, RESERVED_IDENTIFIERS, Member, Role, WorkingGroup,
)


class WGError(ServiceError):
    """WG or membership input that cannot be accepted."""


def _check(wg: WorkingGroup | None, identifier: str, name: str) -> list[str]:
    """Redmine's validations of a project (app/models/project.rb), with its messages."""
    problems = []
    if not identifier:
        problems.append(_("Identifier cannot be blank"))
    elif len(identifier) > IDENTIFIER_MAX_LENGTH:
        problems.append(_("Identifier is too long (maximum is %(count)d characters)", count=IDENTIFIER_MAX_LENGTH))
    elif not IDENTIFIER_PATTERN.match(identifier):
        problems.append(_("Identifier is invalid: use lower-case letters (a-z), digits, dashes and underscores, "
                          "not digits only."))
    elif identifier in RESERVED_IDENTIFIERS:
        problems.append(_("Identifier is reserved"))
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


def set_archived(actor, wg: WorkingGroup, archived: bool) -> None:
    """Archive (hide from all but administrators) or unarchive a WG, as Redmine archives a project."""
    with history.recording(actor, wg):
        if archived and wg.archived_at is None:
            wg.archived_at = utcnow()
        elif not archived:
            wg.archived_at = None


def delete_wg(actor, wg: WorkingGroup) -> None:
    """Delete a WG with everything in it (its tickets, members, versions …), as Redmine deletes a project;
    the audit log keeps what it was."""
    history.record_deletion(actor, wg)
    # The search index of the WG and of what was in it (tickets, notes …) goes with it.
    db.session.execute(delete(textsearch.SearchDocument).where(textsearch.SearchDocument.wg_id == wg.id))
    textsearch.remove_document("wg", wg.id)
    db.session.delete(wg)
    db.session.flush()


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
