"""Finding people: search by skill, certification, past section, availability and free text, ranked by
fit with the reasons; and candidates for a help request. Every condition on a profile part is guarded by
``Profile.part_visible`` so that nobody finds a person through a part they may not see."""
from __future__ import annotations

from dataclasses import dataclass, field

from tracker.core import policy
from tracker.talent.policy import ProfilePolicy
from tracker.core.translation import gettext as _
from sqlalchemy import and_, case, exists, func, literal, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from tracker.accounts.models import Section, User
from tracker.core import textsearch
from tracker.core.i18n import format_day as day
from tracker.core.i18n import local_today
from tracker.core.models import SearchDocument
from tracker.core.query import as_int, like_pattern
from tracker.extensions import db
from tracker.talent.models import (
    PARTS, CareerEntry, Certification, Engagement, HelpRequest, Importance, Profile, ProfileSkill, Skill,
)
from tracker.talent.services import DOCUMENT_KINDS, part_texts, resolve_skill


SEARCH_SKILL_ROWS = 3  # skill / minimum-level pairs on the search form


@dataclass
class Criteria:
    skills: list[tuple[Skill, int]] = field(default_factory=list)  # (skill, minimum level)
    certification: str = ""
    past_section: str = ""
    available: bool = False  # willing to help, and not past "available until"
    min_share: int = 0  # at least this share of time (%)
    text: str = ""

    @property
    def empty(self) -> bool:
        return not (self.skills or self.certification or self.past_section or self.available or self.min_share or self.text.strip())


class UnknownSkill(ValueError):
    pass


def skills_list() -> list[Skill]:
    return list(db.session.scalars(select(Skill).order_by(Skill.category, Skill.position, Skill.name)))


to_int = as_int  # the query base's: a number from a parameter, or the default


def criteria_from(args) -> Criteria:
    """Search criteria from query parameters: skill_N / level_N (N = 1..3) or skill=name:level (API)."""
    criteria = Criteria(
        certification=(args.get("certification") or "").strip(), past_section=(args.get("past_section") or "").strip(),
        available=args.get("available") in ("1", "true", "on", "y"), min_share=max(0, min(100, to_int(args.get("min_share")))),
        text=(args.get("q") or "").strip(),
    )
    for n in range(1, SEARCH_SKILL_ROWS + 1):
        skill = db.session.get(Skill, to_int(args.get(f"skill_{n}")))
        if skill is not None:
            criteria.skills.append((skill, max(1, min(5, to_int(args.get(f"level_{n}"), 1)))))
    for value in args.getlist("skill"):
        name, _sep, level = value.partition(":")
        skill = resolve_skill(name)
        if skill is None:
            raise UnknownSkill(_("Unknown skill: %(name)s", name=name))
        criteria.skills.append((skill, max(1, min(5, to_int(level, 1)))))
    return criteria




@dataclass
class Result:
    """A person found, with 適合度 (``score``): one scale on every page, 0-100 %, the share of the best possible
    fit for what was asked (every condition met at the highest level, available, willing to help)."""

    profile: Profile
    score: float
    reasons: list[str]
    lacks_required: bool = False  # a required skill missing or below the needed level: listed apart


def best_search_score(criteria: Criteria) -> float:
    """The highest raw score ``search_statement`` can give for ``criteria`` (its sum at level 5, full time share,
    the best text rank), so that a raw score reads as a percentage."""
    best = sum(10 + (5 - minimum) * 3 + 3 for _skill, minimum in criteria.skills)
    best += 5 if criteria.certification.strip() else 0
    best += 5 if criteria.past_section.strip() else 0
    best += 5 + 100 / 10.0 if (criteria.available or criteria.min_share) else 0
    best += 5 + 1 if criteria.text.strip() else 0
    return best


def as_percent(score: float, best: float) -> int:
    return max(0, min(100, round(100 * score / best))) if best else 0


RANKED_TEXT_MATCHES = 200


def _text_matches(viewer, text: str):
    """(subquery of the profile ids whose visible parts match the free text, {profile id: rank} of the
    best ``RANKED_TEXT_MATCHES``). The ranks are read on their own: FTS5's bm25() may not be used inside
    an aggregate of a larger query."""
    found = textsearch.matches(text, kinds=list(DOCUMENT_KINDS.values()))
    if found is None:
        return None, {}
    allowed = or_(
        SearchDocument.kind == DOCUMENT_KINDS["basic"],
        *[and_(SearchDocument.kind == DOCUMENT_KINDS[p], ProfilePolicy.part_visible(viewer, p)) for p in PARTS],
    )
    base = (select(SearchDocument.object_id).join(found, found.c.id == SearchDocument.id)
            .join(Profile, Profile.id == SearchDocument.object_id).where(allowed))
    ranks: dict[int, float] = {}
    for profile_id, rank in db.session.execute(base.add_columns(found.c.rank).order_by(found.c.rank.desc()).limit(RANKED_TEXT_MATCHES * 3)):
        ranks[profile_id] = max(ranks.get(profile_id, float("-inf")), float(rank or 0))
    return base, ranks


def search_statement(viewer, criteria: Criteria):
    """SELECT (profile id, score) of the matching profiles, best first."""
    score = literal(0.0)
    stmt = select(Profile.id).join(User, User.id == Profile.user_id).where(User.active.is_(True))
    if criteria.skills:
        stmt = stmt.where(ProfilePolicy.part_visible(viewer, "skills"))
    for skill, minimum in criteria.skills:
        entry = aliased(ProfileSkill)
        stmt = stmt.join(entry, and_(entry.profile_id == Profile.id, entry.skill_id == skill.id, entry.level >= minimum))
        score = score + 10 + (entry.level - minimum) * 3 + case((entry.can_help.is_(True), 3), else_=0)
    if criteria.certification.strip():
        stmt = stmt.where(ProfilePolicy.part_visible(viewer, "certifications"), exists(
            select(Certification.id).where(Certification.profile_id == Profile.id,
                                           func.lower(Certification.name).like(like_pattern(criteria.certification), escape="\\"))
        ))
        score = score + 5
    if criteria.past_section.strip():
        stmt = stmt.where(ProfilePolicy.part_visible(viewer, "career"), exists(
            select(CareerEntry.id).where(CareerEntry.profile_id == Profile.id,
                                         func.lower(CareerEntry.section_name).like(like_pattern(criteria.past_section), escape="\\"))
        ))
        score = score + 5
    if criteria.available or criteria.min_share:
        stmt = stmt.where(
            ProfilePolicy.part_visible(viewer, "availability"),
            Profile.willing_to_help.is_(True),
            Profile.time_share >= max(criteria.min_share, 1),
            or_(Profile.available_until.is_(None), Profile.available_until >= local_today()),
        )
        score = score + 5 + Profile.time_share / 10.0
    if criteria.text.strip():
        matched, ranks = _text_matches(viewer, criteria.text)
        if matched is None:
            return None
        stmt = stmt.where(Profile.id.in_(matched))
        score = score + 5
        if ranks:  # the text rank orders within equal scores: at most +1, never more than a matched criterion
            low, high = min(ranks.values()), max(ranks.values())
            spread = (high - low) or 1.0
            score = score + case({pid: round((rank - low) / spread, 3) for pid, rank in ranks.items()}, value=Profile.id, else_=0)
    return stmt.add_columns(score.label("score")).order_by(score.desc(), User.name_kana, User.id)


def search(viewer, criteria: Criteria, offset: int = 0, limit: int = 50, everything: bool = True) -> tuple[int, list[Result]]:
    """The matching profiles, best first, with reasons. ``everything=False`` loads only what the results
    page shows (skills, and the parts the criteria explain), as the search page does."""
    stmt = search_statement(viewer, criteria)
    if stmt is None:
        return 0, []
    # the total comes with the page (a window count) to save a round trip; a page past the end counts apart
    rows = db.session.execute(stmt.add_columns(func.count().over().label("total")).offset(offset).limit(limit)).all()
    total = rows[0][2] if rows else db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    text = bool(criteria.text.strip())
    collections = ["skills"] + (
        ["certifications", "career"] if everything else
        [name for name, wanted in (("certifications", criteria.certification.strip() or text), ("career", criteria.past_section.strip() or text)) if wanted]
    )
    profiles = {p.id: p for p in load_profiles([r[0] for r in rows], collections)}
    best = best_search_score(criteria)
    return total, [Result(profiles[r[0]], as_percent(float(r[1] or 0), best), reasons(profiles[r[0]], viewer, criteria))
                   for r in rows]


def load_profiles(ids: list[int], collections=("skills", "certifications", "career")) -> list[Profile]:
    if not ids:
        return []
    return list(db.session.scalars(
        select(Profile).where(Profile.id.in_(ids)).options(
            joinedload(Profile.user).joinedload(User.section).joinedload(Section.department),
            *[selectinload(getattr(Profile, name)) for name in collections],
        )
    ))


def _period(started, ended) -> str:
    return f"{day(started)}〜{day(ended) if ended else _('now')}"


def reasons(profile: Profile, viewer, criteria: Criteria) -> list[str]:
    """Why ``profile`` matched, in words, from the parts ``viewer`` may see."""
    out = []
    for skill, minimum in criteria.skills:
        entry = next((s for s in profile.skills if s.skill_id == skill.id), None)
        if entry is not None:
            text = _("%(skill)s level %(level)s (at least %(minimum)s)", skill=skill.name, level=entry.level, minimum=minimum)
            if entry.can_help:
                text += " · " + _("can help")
            out.append(text)
    if criteria.certification.strip():
        wanted = criteria.certification.strip().lower()
        for c in profile.certifications:
            if wanted in c.name.lower():
                out.append(_("Certification: %(name)s", name=c.name) + (f" ({day(c.acquired_on)})" if c.acquired_on else ""))
    if criteria.past_section.strip():
        wanted = criteria.past_section.strip().lower()
        for c in profile.career:
            if wanted in c.section_name.lower():
                out.append(_("Worked at %(section)s (%(period)s)", section=c.section_name, period=_period(c.started_on, c.ended_on)))
    if criteria.available or criteria.min_share:
        out.append(availability_text(profile))
    if criteria.text.strip():
        terms = textsearch.query_terms(criteria.text)
        texts = part_texts(profile, with_contributions=False)
        labels = part_labels()
        parts = [labels.get(part, _("Name and section")) for part, text in texts.items()
                 if (part == "basic" or policy.can(viewer, f"view_{part}", profile))
                 and any(term in textsearch.normalize(text) for term in terms)]
        out.append(_("“%(text)s” found in: %(parts)s", text=criteria.text.strip(), parts=", ".join(parts) or _("the profile")))
    return out


def availability_text(profile: Profile) -> str:
    if not profile.willing_to_help:
        return _("Not available for help at the moment")
    text = _("Can help %(share)s%% of the week", share=profile.time_share)
    if profile.available_until:
        text += " " + _("until %(date)s", date=day(profile.available_until))
    return text


def part_labels() -> dict[str, str]:
    return {
        "skills": _("Skills"), "certifications": _("Certifications"), "career": _("Career history"),
        "achievements": _("Achievements"), "availability": _("Availability"), "basic": _("Name and section"),
    }


# -- candidates for a help request -------------------------------------------------------------------

def importance_label(value: int) -> str:
    return {Importance.REQUIRED: _("required"), Importance.IMPORTANT: _("important"), Importance.NICE: _("nice to have")}.get(value, "")


def candidates(request: HelpRequest, viewer, limit: int = 20) -> list[Result]:
    """People who could help, ranked by skill fit (importance × level), then availability; each explained.
    Only the parts ``viewer`` may see are considered."""
    skill_ids = [need.skill_id for need in request.needs]
    if not skill_ids:
        return []
    engaged = select(Engagement.user_id).where(Engagement.request_id == request.id)
    ids = db.session.scalars(
        select(Profile.id).distinct().join(User, User.id == Profile.user_id)
        .join(ProfileSkill, ProfileSkill.profile_id == Profile.id)
        .where(ProfileSkill.skill_id.in_(skill_ids), User.active.is_(True), Profile.user_id != request.requester_id,
               Profile.user_id.not_in(engaged), ProfilePolicy.part_visible(viewer, "skills"))
    ).all()
    results = [_fit(profile, request, viewer) for profile in load_profiles(list(ids))]
    # who lacks a required skill comes after everyone who has them all, whatever their score (the page lists them apart)
    results.sort(key=lambda r: (r.lacks_required, -r.score, r.profile.user.name_kana or r.profile.user.name))
    return results[:limit]


def _fit(profile: Profile, request: HelpRequest, viewer) -> Result:
    score, best, reasons_, lacks = 0.0, 0.0, [], False
    levels = {s.skill_id: s for s in profile.skills}
    for need in request.needs:
        weight = int(need.importance)
        best += weight * (10 + 2 * (5 - need.min_level) + 2)
        entry = levels.get(need.skill_id)
        label = importance_label(need.importance)
        if need.importance == Importance.REQUIRED and (entry is None or entry.level < need.min_level):
            lacks = True
        if entry is None:
            if need.importance == Importance.REQUIRED:
                reasons_.append(_("No %(skill)s (%(importance)s)", skill=need.skill.name, importance=label))
            continue
        if entry.level >= need.min_level:
            score += weight * (10 + 2 * (entry.level - need.min_level))
            reasons_.append(_("%(skill)s level %(level)s, needed %(minimum)s (%(importance)s)",
                              skill=need.skill.name, level=entry.level, minimum=need.min_level, importance=label))
        else:
            score += weight * 3 * entry.level / need.min_level
            reasons_.append(_("%(skill)s level %(level)s, below the needed %(minimum)s",
                              skill=need.skill.name, level=entry.level, minimum=need.min_level))
        if entry.can_help:
            score += 2 * weight
    best += 18
    if policy.can(viewer, "view_availability", profile):
        if profile.willing_to_help and (profile.available_until is None or profile.available_until >= local_today()):
            score += 10
            if profile.time_share >= request.time_share:
                score += 5
            else:
                reasons_.append(_("Offers %(offered)s%% of the week, %(needed)s%% needed", offered=profile.time_share, needed=request.time_share))
            if request.ends_on is None or profile.available_until is None or profile.available_until >= request.ends_on:
                score += 3
            else:
                reasons_.append(_("Available only until %(date)s", date=day(profile.available_until)))
            reasons_.append(availability_text(profile))
        else:
            reasons_.append(_("Not available for help at the moment"))
    else:
        reasons_.append(_("Availability not shown to you"))
    return Result(profile, as_percent(score, best), reasons_, lacks_required=lacks)
