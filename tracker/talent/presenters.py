"""What a viewer gets to see of a profile: built from the profile policy (tracker/talent/policy.py) only, and used by the
profile page, search results, the XLSX export and the API, so that all four follow the same rule."""
from __future__ import annotations

from datetime import date

from tracker.core import policy
from tracker.talent.policy import ProfilePolicy
from tracker.talent.models import PARTS, Profile
from tracker.talent.services import contributions


def profile_data(profile: Profile, viewer) -> dict:
    user = profile.user
    visible = ProfilePolicy.parts_visible(viewer, profile)
    data: dict = {
        "user_id": user.id,
        "name": user.name,
        "name_kana": user.name_kana,
        "section": user.section.name if user.section else None,
        "department": user.section.department.name if user.section else None,
        "job_title": user.job_title,
        "visible_parts": sorted(visible),
    }
    if policy.can(viewer, "view_staff_number", profile):
        data["staff_number"] = profile.staff_number
    if viewer.id == profile.user_id:
        data["visibility"] = {part: profile.visibility_of(part).value for part in PARTS}
    if "skills" in visible:
        data["skills"] = [
            {"id": s.id, "skill_id": s.skill_id, "name": s.skill.name, "category": s.skill.category, "level": s.level,
             "can_help": s.can_help, "want_to_learn": s.want_to_learn}
            for s in profile.skills
        ]
    if "certifications" in visible:
        data["certifications"] = [{"id": c.id, "name": c.name, "acquired_on": c.acquired_on} for c in profile.certifications]
    if "career" in visible:
        data["career"] = [
            {"id": c.id, "section": c.section_name, "started_on": c.started_on, "ended_on": c.ended_on, "description": c.description}
            for c in profile.career
        ]
    if "achievements" in visible:
        data["achievements"] = profile.achievements
        data["contributions"] = [
            {"request_id": e.request_id, "title": e.request.title, "hours": e.hours, "outcome": e.outcome,
             "completed_at": e.completed_at}
            for e in contributions(profile)
        ]
    if "availability" in visible:
        data["availability"] = {
            "willing_to_help": profile.willing_to_help, "time_share": profile.time_share,
            "available_until": profile.available_until,
        }
    return data


def jsonable(value):
    """Dates as ISO strings, recursively (for the API)."""
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    return value
