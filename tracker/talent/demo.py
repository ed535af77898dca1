"""Demo talent bank (safe to run twice)."""
from __future__ import annotations

import random
from datetime import date

from sqlalchemy import select

from tracker.core.db import utcnow
from tracker.extensions import db
from tracker.talent import services
from tracker.talent.demo_data import CERTIFICATIONS, PROFILES, REQUESTS, SKILLS
from tracker.talent.models import (
    CareerEntry, Certification, Engagement, EngagementStatus, HelpRequest, ProfileSkill, RequestStatus, Skill, Visibility,
)


def _skills() -> dict[str, Skill]:
    skills = {}
    for position, (category, name, synonyms) in enumerate(SKILLS):
        skill = db.session.scalar(select(Skill).where(Skill.name == name))
        if skill is None:
            skill = services.save_skill(None, None, name=name, category=category, synonyms=synonyms, position=position)
        skills[name] = skill
    return skills


def _generated(login: str, skills: dict[str, Skill]):
    rng = random.Random(login)
    chosen = rng.sample(sorted(skills), rng.randint(1, 3))
    skill_levels = {name: (rng.randint(1, 4), rng.random() < 0.5, rng.random() < 0.3) for name in chosen}
    certifications = rng.sample(CERTIFICATIONS, rng.randint(0, 2))
    willing = rng.random() < 0.6
    visibility = {}
    if rng.random() < 0.2:
        visibility[rng.choice(["certifications", "career", "availability"])] = rng.choice(["hr", "only_me"])
    return skill_levels, certifications, willing, rng.choice([5, 10, 10, 20]) if willing else 0, "", visibility


def _career(login: str, current_section: str, all_sections: list[str]) -> list[tuple[str, date, date | None]]:
    """Postings of three to four years each, April to March, ending with the current section."""
    rng = random.Random("career-" + login)
    year = 2026 - rng.randint(1, 3)
    entries = [(current_section, date(year, 4, 1), None)]
    for _ in range(rng.randint(1, 3)):
        start = year - rng.randint(3, 4)
        entries.append((rng.choice([s for s in all_sections if s != current_section]), date(start, 4, 1), date(year, 3, 31)))
        year = start
    return entries


def load(ctx) -> None:
    skills = _skills()
    users = ctx.shared["users"]
    all_sections = sorted(ctx.shared["sections"])
    for number, (login, user) in enumerate(sorted(users.items()), start=1):
        if login == "admin":
            continue
        profile = services.profile_for(user)
        if profile.staff_number:  # loaded before
            continue
        profile.staff_number = f"M{20000 + number:05d}"
        skill_levels, certifications, willing, share, achievements, visibility = PROFILES.get(login) or _generated(login, skills)
        for name, (level, can_help, learn) in skill_levels.items():
            profile.skills.append(ProfileSkill(skill=skills[name], skill_id=skills[name].id, level=level, can_help=can_help, want_to_learn=learn))
        rng = random.Random("cert-" + login)
        for name in certifications:
            profile.certifications.append(Certification(name=name, acquired_on=date(rng.randint(2012, 2025), rng.randint(1, 12), 1)))
        if user.section is not None:
            for section, start, end in _career(login, user.section.name, all_sections):
                profile.career.append(CareerEntry(section_name=section, started_on=start, ended_on=end))
        profile.willing_to_help, profile.time_share = willing, share
        profile.available_until = date(2027, 3, 31) if willing else None
        profile.achievements = achievements
        for part, value in visibility.items():
            setattr(profile, f"{part}_visibility", Visibility(value))
        db.session.flush()
        services.reindex(profile)

    wgs = ctx.shared.get("wgs", {})
    for title, requester, wg_id, share, start, end, description, needs, engagements in REQUESTS:
        if db.session.scalar(select(HelpRequest).where(HelpRequest.title == title)) is not None:
            continue
        request = HelpRequest(
            title=title, description=description, requester=users[requester], section=users[requester].section,
            wg=wgs.get(wg_id), time_share=share, starts_on=date.fromisoformat(start), ends_on=date.fromisoformat(end),
            needs=[], status=RequestStatus.OPEN,
        )
        from tracker.talent.models import RequestSkill

        request.needs = [RequestSkill(skill=skills[n], skill_id=skills[n].id, min_level=lv, importance=imp) for n, lv, imp in needs]
        db.session.add(request)
        for login, invited, status, hours, outcome in engagements:
            engagement = Engagement(user=users[login], invited=invited, status=EngagementStatus(status), hours=hours, outcome=outcome)
            if status == "completed":
                engagement.completed_at = utcnow()
                request.status = RequestStatus.CLOSED
            request.engagements.append(engagement)
        db.session.flush()
        for login, *_rest in engagements:
            services.reindex(services.profile_for(users[login]))
    ctx.shared["skills"] = skills
    ctx.logins += [
        ("kato", "情報政策課長 (approves that 田中 helps the 官民データ活用WG: 人材バンク → 承認)"),
        ("yachida", "未来政策課長 (help request of the 官民データ活用WG, candidates)"),
    ]
