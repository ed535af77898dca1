"""Who sees what in the talent bank (庁内人材バンク).

A profile is listed to every member of staff, but each part (skills, certifications, career,
achievements, availability) has its own visibility chosen by the person: everyone, HR only, or only me.
The staff number is HR data; the visibility settings are the person's own. ``can(user, "view_skills", profile)`` etc. answer per part in Python and
``part_visible(user, part)`` is the same rule in SQL (search, exports, HR lists).

Help requests are seen by all staff and managed by the requester and HR.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, false

from tracker.core.policy import VIEW, Policy, StaffPolicy, is_signed_in, register
from tracker.accounts.models import OrgRole
from tracker.core.org_permissions import register_org_permission
from tracker.core.translation import lazy_gettext as _l
from tracker.talent.models import MANAGE_TALENT_BANK, PARTS, HelpRequest, Profile

register_org_permission(MANAGE_TALENT_BANK, _l("See HR-only talent data, import and export the talent bank"),
                        roles=[OrgRole.HR])

PART_ACTIONS = {f"view_{part}": part for part in PARTS}


@register
class ProfilePolicy(StaffPolicy):
    model = Profile
    actions = frozenset({"view", "edit", "view_staff_number", "view_visibility", *PART_ACTIONS})

    def can_act(self, user, action: str, obj: Profile) -> bool:
        if action == "edit":
            return obj.editable_by(user)
        if action == "view_visibility":  # who may see which part is the person's own setting
            return user.id == obj.user_id
        if action == "view_staff_number":
            return Profile.staff_number_visible(obj, user)
        return obj.part_visible_to(user, PART_ACTIONS[action])

    @staticmethod
    def part_visible(user, part: str, entity=None) -> ColumnElement[bool]:
        """SQL: ``part`` of the profile (``entity``, an alias of Profile if given) may be seen by ``user``."""
        if part not in PARTS:
            raise ValueError(f"no profile part {part!r}")
        return Profile.part_visible(user, part, entity)

    @staticmethod
    def parts_visible(user, profile: Profile) -> set[str]:
        return profile.visible_parts(user) if is_signed_in(user) else set()


@register
class HelpRequestPolicy(Policy):
    model = HelpRequest
    actions = frozenset({"view", "manage"})

    def can(self, user, action: str, obj: HelpRequest) -> bool:
        if not is_signed_in(user):
            return False
        if action == VIEW:
            return obj.visible_to(user)
        return obj.manageable_by(user)

    def visible(self, user) -> ColumnElement[bool]:
        return HelpRequest.visible(user) if is_signed_in(user) else false()
