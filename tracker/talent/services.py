"""Operations that change the talent bank: profiles, the skill taxonomy, help requests and engagements.

Each validates first and raises ``TalentError`` (nothing changed) on bad input; the searchable text of a
profile is refreshed in the same transaction (one document per profile part, so that free-text search can
honour each part's visibility), and each step of a help request emits an event. Every change is made as the acting
user and journaled (tracker/talent/history.py): a profile's parts, a help request and its helpers."""
from __future__ import annotations

from datetime import date

from tracker.core.translation import gettext as _, lazy_gettext
from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.core import events, history, textsearch
from tracker.core.db import utcnow
from tracker.core.events import Event
from tracker.core.i18n import local_today
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.talent.models import (
    PARTS, CareerEntry, Certification, Engagement, EngagementStatus, HelpRequest, Profile, ProfileSkill,
    RequestSkill, RequestStatus, Skill, Visibility, chiefs_of, may_approve,
)

DOCUMENT_KINDS = {part: f"talent.{part}" for part in PARTS} | {"basic": "talent.basic"}


class TalentError(ServiceError):
    """Talent-bank input that cannot be accepted."""


# -- skills ---------------------------------------------------------------------------------------

def resolve_skill(name: str) -> Skill | None:
    """The taxonomy entry called ``name`` or having it as a synonym (width and case do not matter)."""
    wanted = textsearch.normalize((name or "").strip())
    if not wanted:
        return None
    for skill in db.session.scalars(select(Skill)):
        if textsearch.normalize(skill.name) == wanted or wanted in {textsearch.normalize(s) for s in skill.synonym_list}:
            return skill
    return None


def save_skill(actor, skill: Skill | None, *, name: str, category: str = "", synonyms: str = "", position: int | None = None) -> Skill:
    name = (name or "").strip()
    if not name:
        raise TalentError(_("The name is required."))
    clash = db.session.scalar(select(Skill).where(func.lower(Skill.name) == name.lower()))
    if clash is not None and clash is not skill:
        raise TalentError(_("A skill named %(name)s already exists.", name=name))
    skill = skill or Skill()
    skill.name, skill.category, skill.synonyms = name, (category or "").strip(), (synonyms or "").strip()
    if position is not None:
        skill.position = position
    db.session.add(skill)
    db.session.flush()
    return skill


# -- profiles -------------------------------------------------------------------------------------

def profile_for(user: User, create: bool = True) -> Profile | None:
    profile = db.session.scalar(select(Profile).where(Profile.user_id == user.id))
    if profile is None and create:
        profile = Profile(user=user, user_id=user.id, achievements="")
        db.session.add(profile)
        db.session.flush()
        reindex(profile)
    return profile


def blank_profile(user: User) -> Profile:
    """A profile not yet saved: only the account's data, every part visible by default."""
    profile = Profile(user_id=user.id, achievements="", willing_to_help=False, time_share=0)
    profile.user = user
    for part in PARTS:
        setattr(profile, f"{part}_visibility", Visibility.EVERYONE)
    return profile


def displayed_profile(user_id: int) -> Profile | None:
    """The profile of an active user (unsaved when they have none yet); None when there is no such user."""
    user = db.session.get(User, user_id)
    if user is None or not user.active:
        return None
    return profile_for(user, create=False) or blank_profile(user)


def _check_level(level, problems: list[str]) -> None:
    if not isinstance(level, int) or not 1 <= level <= 5:
        problems.append(_("The level must be between 1 and 5."))


def _check_share(share, problems: list[str], minimum: int = 0) -> None:
    if not isinstance(share, int) or share < minimum or share > 100:
        problems.append(_("The share of time must be between %(low)s%% and 100%%.", low=minimum))


def update_profile(actor, profile: Profile, *, achievements: str, willing_to_help: bool, time_share: int,
                   available_until: date | None, visibility: dict[str, str]) -> None:
    problems: list[str] = []
    _check_share(time_share, problems)
    values = {}
    for part in PARTS:
        try:
            values[part] = Visibility(visibility.get(part, profile.visibility_of(part)))
        except ValueError:
            problems.append(_("Unknown visibility for %(part)s.", part=part))
    if problems:
        raise TalentError(problems)
    with history.recording(actor, profile):
        profile.achievements = achievements or ""
        profile.willing_to_help = bool(willing_to_help)
        profile.time_share = time_share
        profile.available_until = available_until
        for part, value in values.items():
            setattr(profile, f"{part}_visibility", value)
    reindex(profile)


def set_skill(actor, profile: Profile, skill: Skill | None, level, can_help: bool = False, want_to_learn: bool = False) -> ProfileSkill:
    problems: list[str] = []
    if skill is None:
        problems.append(_("Choose a skill from the list."))
    _check_level(level, problems)
    if problems:
        raise TalentError(problems)
    with history.recording(actor, profile):
        entry = next((s for s in profile.skills if s.skill_id == skill.id), None)
        if entry is None:
            entry = ProfileSkill(skill=skill, skill_id=skill.id)
            profile.skills.append(entry)
        entry.level, entry.can_help, entry.want_to_learn = level, bool(can_help), bool(want_to_learn)
        db.session.flush()
    reindex(profile)
    return entry


def _remove(actor, profile: Profile, collection: str, entry_id: int) -> None:
    with history.recording(actor, profile):
        setattr(profile, collection, [item for item in getattr(profile, collection) if item.id != entry_id])
        db.session.flush()
    reindex(profile)


def remove_skill(actor, profile: Profile, entry_id: int) -> None:
    _remove(actor, profile, "skills", entry_id)


def add_certification(actor, profile: Profile, name: str, acquired_on: date | None) -> Certification:
    name = (name or "").strip()
    if not name:
        raise TalentError(_("The name of the certification is required."))
    if acquired_on and acquired_on > local_today():
        raise TalentError(_("The date of a certification cannot be in the future."))
    certification = Certification(name=name, acquired_on=acquired_on)
    with history.recording(actor, profile):
        profile.certifications.append(certification)
        db.session.flush()
    reindex(profile)
    return certification


def remove_certification(actor, profile: Profile, certification_id: int) -> None:
    _remove(actor, profile, "certifications", certification_id)


def check_period(started_on: date | None, ended_on: date | None) -> list[str]:
    if started_on is None:
        return [_("The start of the period is required.")]
    if ended_on is not None and ended_on < started_on:
        return [_("The period ends (%(end)s) before it starts (%(start)s).", end=ended_on.isoformat(), start=started_on.isoformat())]
    return []


def add_career(actor, profile: Profile, section_name: str, started_on: date | None, ended_on: date | None,
               description: str = "", reindex_now: bool = True) -> CareerEntry:
    problems = [] if (section_name or "").strip() else [_("The section is required.")]
    problems += check_period(started_on, ended_on)
    if problems:
        raise TalentError(problems)
    entry = CareerEntry(section_name=section_name.strip(), started_on=started_on, ended_on=ended_on, description=description or "")
    with history.recording(actor, profile):
        profile.career.append(entry)
        db.session.flush()
    if reindex_now:
        reindex(profile)
    return entry


def remove_career(actor, profile: Profile, entry_id: int) -> None:
    _remove(actor, profile, "career", entry_id)


def contributions(profile: Profile) -> list[Engagement]:
    """Completed help: recorded automatically, shown with the achievements."""
    return list(db.session.scalars(
        select(Engagement).where(Engagement.user_id == profile.user_id, Engagement.status == EngagementStatus.COMPLETED)
        .order_by(Engagement.completed_at.desc())
    ))


def part_texts(profile: Profile, with_contributions: bool = True) -> dict[str, str]:
    user = profile.user
    section = user.section.full_name if user.section else ""
    return {
        "basic": f"{user.name} {user.name_kana or ''} {section} {user.job_title or ''}",
        "skills": " ".join(f"{s.skill.name} {' '.join(s.skill.synonym_list)}" for s in profile.skills),
        "certifications": " ".join(c.name for c in profile.certifications),
        "career": " ".join(f"{c.section_name} {c.description}" for c in profile.career),
        "achievements": "\n".join([profile.achievements or ""] + (
            [f"{e.request.title} {e.outcome}" for e in contributions(profile)] if with_contributions else [])),
        "availability": "",
    }


def reindex(profile: Profile) -> None:
    for part, text in part_texts(profile).items():
        if part == "availability":
            continue
        textsearch.index_document(DOCUMENT_KINDS[part], profile.id, profile.user.name, text)


# -- help requests ---------------------------------------------------------------------------------

def _check_request(title, time_share, starts_on, ends_on, needs) -> list[str]:
    problems = [] if (title or "").strip() else [_("The title is required.")]
    _check_share(time_share, problems, minimum=1)
    problems += check_period(starts_on, ends_on)
    if not needs:
        problems.append(_("Name at least one needed skill."))
    seen = set()
    for skill, level, importance in needs:
        if skill is None:
            problems.append(_("Choose a skill from the list."))
            continue
        if skill.id in seen:
            problems.append(_("%(skill)s is listed twice.", skill=skill.name))
        seen.add(skill.id)
        _check_level(level, problems)
        if importance not in (1, 2, 3):
            problems.append(_("Unknown importance."))
    return problems


def find_ticket(ticket_id: int):
    from tracker.tickets.models import Ticket

    return db.session.get(Ticket, ticket_id)


def linked_ticket(request: HelpRequest, user):
    """The request's ticket when it exists and ``user`` may see it."""
    if request.ticket_id is None:
        return None
    ticket = find_ticket(request.ticket_id)
    return ticket if ticket is not None and ticket.visible_to(user) else None


def save_request(actor: User, request: HelpRequest | None, *, title: str, description: str, time_share,
                 starts_on: date | None, ends_on: date | None, needs: list[tuple], wg=None,
                 ticket_id: int | None = None) -> HelpRequest:
    """``needs``: (Skill, min level, importance 1–3). A new request is ``actor``'s. ``wg`` must be one where the
    actor manages members; ``ticket_id`` a ticket the actor can see."""
    problems = _check_request(title, time_share, starts_on, ends_on, needs)
    if wg is not None and (request is None or wg is not request.wg) and not wg.allows(actor, "manage_members"):
        problems.append(_("You can link only WGs whose members you manage."))
    if ticket_id is not None:
        ticket = find_ticket(ticket_id)
        if ticket is None or not ticket.visible_to(actor):
            problems.append(_("There is no ticket #%(id)s that you can see.", id=ticket_id))
    if problems:
        raise TalentError(problems)
    if request is None:
        request = HelpRequest(requester=actor, requester_id=actor.id, section_id=actor.section_id)
    with history.recording(actor, request):
        request.title, request.description = title.strip(), description or ""
        request.time_share, request.starts_on, request.ends_on = time_share, starts_on, ends_on
        request.wg = wg
        request.wg_id = wg.id if wg is not None else None
        request.ticket_id = ticket_id
        existing = {need.skill_id: need for need in request.needs}  # update in place: (request, skill) is unique
        kept = []
        for skill, level, importance in needs:
            need = existing.get(skill.id) or RequestSkill(skill=skill, skill_id=skill.id)
            need.min_level, need.importance = level, importance
            kept.append(need)
        request.needs = kept
        db.session.add(request)
        db.session.flush()
    return request


def close_request(actor: User, request: HelpRequest) -> None:
    with history.recording(actor, request):
        request.status = RequestStatus.CLOSED


def _engagement(request: HelpRequest, user: User) -> Engagement | None:
    return next((e for e in request.engagements if e.user_id == user.id), None)


def _require_open(request: HelpRequest) -> None:
    if request.status != RequestStatus.OPEN:
        raise TalentError(_("This help request is closed."))


def _url(request: HelpRequest) -> str:
    return f"/talent/requests/{request.id}"


def invite(request: HelpRequest, user: User, actor: User, message: str = "") -> Engagement:
    _require_open(request)
    if not request.manageable_by(actor):
        raise TalentError(_("Only the requester or HR can invite."))
    if user.id == request.requester_id:
        raise TalentError(_("The requester cannot help with their own request."))
    if _engagement(request, user) is not None:
        raise TalentError(_("%(name)s is already on this request.", name=user.name))
    engagement = Engagement(user=user, user_id=user.id, invited=True, status=EngagementStatus.INVITED, message=message or "")
    with history.recording(actor, request, notes=message):
        request.engagements.append(engagement)
        db.session.flush()
    events.emit(Event(
        kind="talent.invited", title=lazy_gettext("You were invited to help: %(title)s", title=request.title),
        url=_url(request), actor=actor, recipients=[user], wg=request.wg, subject=request, body=message or None,
        data={"request_id": request.id, "engagement_id": engagement.id, "user_id": user.id},
    ))
    return engagement


def apply(request: HelpRequest, user: User, message: str = "") -> Engagement:
    _require_open(request)
    if user.id == request.requester_id:
        raise TalentError(_("The requester cannot help with their own request."))
    if _engagement(request, user) is not None:
        raise TalentError(_("You are already on this request."))
    profile_for(user)
    engagement = Engagement(user=user, user_id=user.id, invited=False, status=EngagementStatus.PENDING, message=message or "")
    with history.recording(user, request, notes=message):
        request.engagements.append(engagement)
        db.session.flush()
    _ask_for_approval(engagement, user, lazy_gettext("%(name)s applied to help: %(title)s", name=user.name, title=request.title))
    return engagement


def _ask_for_approval(engagement: Engagement, actor: User, title) -> None:
    request = engagement.request
    events.emit(Event(
        kind="talent.applied", title=title, url=_url(request), actor=actor,
        recipients=[request.requester, *chiefs_of(engagement.user)], wg=request.wg, subject=request, body=engagement.message or None,
        data={"request_id": request.id, "engagement_id": engagement.id, "user_id": engagement.user_id},
    ))


def answer_invitation(engagement: Engagement, user: User, accept: bool) -> None:
    _require_open(engagement.request)
    if engagement.user_id != user.id:
        raise TalentError(_("Only the invited person can answer the invitation."))
    if engagement.status != EngagementStatus.INVITED:
        raise TalentError(_("This invitation was already answered."))
    with history.recording(user, engagement.request):
        if accept:
            engagement.status = EngagementStatus.PENDING
        else:
            engagement.status = EngagementStatus.DECLINED
            engagement.decided_at = utcnow()
    if accept:
        _ask_for_approval(engagement, user, lazy_gettext(
            "%(name)s accepted the invitation to help: %(title)s", name=user.name, title=engagement.request.title))


def decide(engagement: Engagement, approver: User, approve: bool) -> None:
    """The helper's section chief approves (the helper is attached, and joins the linked WG) or rejects."""
    if engagement.status != EngagementStatus.PENDING:
        raise TalentError(_("Only a pending application can be approved or rejected."))
    if not may_approve(approver, engagement.user):
        raise TalentError(_("Only the section chief of %(name)s can approve this.", name=engagement.user.name))
    request = engagement.request
    with history.recording(approver, request):
        engagement.decided_by, engagement.decided_by_id, engagement.decided_at = approver, approver.id, utcnow()
        engagement.status = EngagementStatus.APPROVED if approve else EngagementStatus.REJECTED
    if not approve:
        events.emit(Event(
            kind="talent.rejected", title=lazy_gettext("Your help for %(title)s was not approved", title=request.title),
            url=_url(request), actor=approver, recipients=[engagement.user, request.requester], wg=request.wg, subject=request,
            data={"request_id": request.id, "engagement_id": engagement.id},
        ))
        return
    if request.wg is not None:
        from tracker.wg.models import Role
        from tracker.wg.services import add_member

        role = db.session.scalar(select(Role).where(Role.name == "メンバー")) or db.session.scalar(
            select(Role).order_by(Role.position.desc()))
        if role is not None:
            add_member(approver, request.wg, engagement.user, [role])
    events.emit(Event(
        kind="talent.approved", title=lazy_gettext("%(name)s will help with %(title)s", name=engagement.user.name, title=request.title),
        url=_url(request), actor=approver, recipients=[engagement.user, request.requester], wg=request.wg, subject=request,
        data={"request_id": request.id, "engagement_id": engagement.id, "user_id": engagement.user_id},
    ))


def complete(engagement: Engagement, actor: User, hours, outcome: str) -> None:
    request = engagement.request
    if not request.manageable_by(actor):
        raise TalentError(_("Only the requester or HR can record the completion."))
    problems = []
    if engagement.status != EngagementStatus.APPROVED:
        problems.append(_("Only approved help can be completed."))
    if not isinstance(hours, int) or hours < 0:
        problems.append(_("The hours must be zero or more."))
    if not (outcome or "").strip():
        problems.append(_("Describe the outcome."))
    if problems:
        raise TalentError(problems)
    with history.recording(actor, request, notes=_("%(name)s: %(hours)s hours — %(outcome)s", name=engagement.user.name,
                                                   hours=hours, outcome=outcome.strip())):
        engagement.status = EngagementStatus.COMPLETED
        engagement.hours, engagement.outcome, engagement.completed_at = hours, outcome.strip(), utcnow()
        db.session.flush()
    reindex(profile_for(engagement.user))
    events.emit(Event(
        kind="talent.completed", title=lazy_gettext("Your help with %(title)s was recorded", title=request.title),
        url=_url(request), actor=actor, recipients=[engagement.user, *chiefs_of(engagement.user)], wg=request.wg, subject=request,
        data={"request_id": request.id, "engagement_id": engagement.id, "hours": hours},
    ))


def remind_completions() -> None:
    """Periodic check: help whose period has ended but whose hours and outcome were never recorded. The
    requester is reminded once (``reminded_at`` remembers it, so a rerun emits nothing new)."""
    due = db.session.scalars(
        select(Engagement).join(HelpRequest, HelpRequest.id == Engagement.request_id).where(
            Engagement.status == EngagementStatus.APPROVED, Engagement.reminded_at.is_(None),
            HelpRequest.ends_on.is_not(None), HelpRequest.ends_on < local_today(),
        )
    ).all()
    for engagement in due:
        request = engagement.request
        engagement.reminded_at = utcnow()
        events.emit(Event(
            kind="talent.completion_due",
            title=lazy_gettext("Record the hours and outcome of %(name)s's help: %(title)s", name=engagement.user.name, title=request.title),
            url=_url(request), recipients=[request.requester], wg=request.wg, subject=request,
            data={"request_id": request.id, "engagement_id": engagement.id},
        ))


events.register_periodic_check("talent.completion_due", remind_completions)
