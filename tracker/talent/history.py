"""What the talent bank's history records: a profile (each part journaled with the action that part is seen
with, so that its 履歴 never shows an HR-only or only-me part to someone who may not see it) and a help request
(its fields, needed skills, status and each helper's step from invitation or application to completion).

List items are stored as codes ("skill id:level:…") and shown in the reader's language."""
from flask_login import current_user

from tracker.core import history
from tracker.core.translation import gettext as _, lazy_gettext as _l
from tracker.extensions import db
from tracker.talent.forms import visibility_choices
from tracker.talent.models import PARTS, HelpRequest, Importance, Profile, Skill

ENGAGEMENT_STATUS_LABELS = {
    "invited": _l("Invited, no answer yet"), "pending": _l("Waiting for the section chief"),
    "approved": _l("Approved: helping"), "declined": _l("Declined"), "rejected": _l("Not approved"),
    "completed": _l("Completed"),
}
IMPORTANCE_LABELS = {Importance.REQUIRED: _l("required"), Importance.IMPORTANT: _l("important"),
                     Importance.NICE: _l("nice to have")}


def _skill_name(skill_id) -> str:
    skill = db.session.get(Skill, int(skill_id))
    return skill.name if skill is not None else f"#{skill_id}"


def _profile_skills(profile: Profile) -> list[str]:
    return [f"{s.skill_id}:{s.level}:{int(bool(s.can_help))}:{int(bool(s.want_to_learn))}" for s in profile.skills]


def _show_profile_skill(code: str) -> str:
    skill_id, level, can_help, want_to_learn = code.split(":")
    marks = [_("Level %(level)s", level=level)] + ([_("Can help")] if can_help == "1" else []) + (
        [_("Want to learn")] if want_to_learn == "1" else [])
    return f"{_skill_name(skill_id)}（{'・'.join(marks)}）"


def _career(profile: Profile) -> list[str]:
    return [" ".join(filter(None, [c.section_name, f"{c.started_on.isoformat()}〜{c.ended_on.isoformat() if c.ended_on else ''}",
                                   c.description])) for c in profile.career]


def _certifications(profile: Profile) -> list[str]:
    return [f"{c.name}（{c.acquired_on.isoformat()}）" if c.acquired_on else c.name for c in profile.certifications]


_VISIBILITY = dict(visibility_choices())
_AVAILABILITY = ("willing_to_help", "time_share", "available_until")

history.journaled(
    Profile, "talent_profile", _l("Talent profile"),
    {"staff_number": _l("Staff number"), "skills": _l("Skills"), "certifications": _l("Certifications"),
     "career": _l("Career history"), "achievements": _l("Achievements"),
     "willing_to_help": _l("I am willing to help other sections"), "time_share": _l("Share of my week (%)"),
     "available_until": _l("Available until"),
     "skills_visibility": _l("Skills are visible to"), "certifications_visibility": _l("Certifications are visible to"),
     "career_visibility": _l("Career history is visible to"), "achievements_visibility": _l("Achievements are visible to"),
     "availability_visibility": _l("Availability is visible to")},
    display={"skills": _show_profile_skill, "willing_to_help": history.yes_no,
             **{f"{part}_visibility": history.choice(_VISIBILITY) for part in PARTS}},
    values={"skills": _profile_skills, "certifications": _certifications, "career": _career},
    field_actions={"staff_number": "view_staff_number", "skills": "view_skills", "certifications": "view_certifications",
                   "career": "view_career", "achievements": "view_achievements",
                   **{name: "view_availability" for name in _AVAILABILITY},
                   **{f"{part}_visibility": "view_visibility" for part in PARTS}},
)


def _needs(request: HelpRequest) -> list[str]:
    return [f"{n.skill_id}:{n.min_level}:{n.importance}" for n in request.needs]


def _show_need(code: str) -> str:
    skill_id, level, importance = code.split(":")
    return f"{_skill_name(skill_id)}: {_('level %(level)s or more', level=level)}（{IMPORTANCE_LABELS.get(int(importance), importance)}）"


def _helpers(request: HelpRequest) -> list[str]:
    return [f"{e.user_id}:{e.status.value if hasattr(e.status, 'value') else e.status}" for e in request.engagements]


def _show_helper(code: str) -> str:
    user_id, status = code.split(":")
    return f"{history.user_name(user_id)}（{ENGAGEMENT_STATUS_LABELS.get(status, status)}）"


def _wg_name(wg_id) -> str:
    """A linked WG by name to who may see that WG (the one linked then, not only the current one)."""
    from tracker.wg.models import WorkingGroup

    wg = db.session.get(WorkingGroup, int(wg_id))
    return wg.name if wg is not None and wg.visible_to(current_user) else _("(not visible to you)")


def _ticket(ticket_id) -> str:
    from tracker.talent.services import find_ticket

    ticket = find_ticket(int(ticket_id))
    return f"#{ticket.id} {ticket.subject}" if ticket is not None and ticket.visible_to(current_user) else _("(not visible to you)")


history.journaled(
    HelpRequest, "help_request", _l("Help request"),
    {"title": _l("Title"), "description": _l("Description"), "time_share": _l("Share of the week"),
     "starts_on": _l("From"), "ends_on": _l("Until"), "wg_id": _l("Working group"), "ticket_id": _l("Ticket"),
     "needs": _l("Needed skills"), "status": _l("Status"), "helpers": _l("Helpers")},
    display={"needs": _show_need, "helpers": _show_helper, "wg_id": _wg_name, "ticket_id": _ticket,
             "status": history.choice({"open": _l("Open"), "closed": _l("Closed")})},
    values={"needs": _needs, "helpers": _helpers},
)
