"""The profile and help-request policies: a profile is listed to all staff but each part has its own
visibility (everyone / HR only / only me); the staff number is HR data; parts with nothing in them (no
staff number, no availability date) follow the same rule."""
import pytest
from sqlalchemy import select

from tests.policy_checks import anonymous, assert_visibility
from tracker.core import policy
from tracker.extensions import db as _db
from tracker.talent.models import PARTS, Profile
from tracker.talent.policy import ProfilePolicy


def _part_in_sql(user, profile, part) -> bool:
    return _db.session.scalar(
        select(Profile.id).where(Profile.id == profile.id, ProfilePolicy.part_visible(user, part))) is not None


@pytest.mark.parametrize("part", PARTS)
def test_each_part_follows_its_own_visibility_in_python_and_sql(db, make, part):
    owner, staff, hr = make.user(), make.user(), make.user(org_roles=["hr"])
    hr_only = make.profile(user=owner, staff_number=None, available_until=None, **{f"{part}_visibility": "hr"})
    for user, expected in [(owner, True), (staff, False), (hr, True), (anonymous(), False)]:
        assert policy.can(user, f"view_{part}", hr_only) is expected
        assert _part_in_sql(user, hr_only, part) is expected
    hidden = make.profile(**{f"{part}_visibility": "only_me"})
    assert not policy.can(hr, f"view_{part}", hidden) and not _part_in_sql(hr, hidden, part)
    assert policy.can(hidden.user, f"view_{part}", hidden) and _part_in_sql(hidden.user, hidden, part)


def test_the_profile_is_listed_to_staff_and_the_staff_number_is_hr_data(db, make):
    profile = make.profile(staff_number="A-001")
    staff, hr, inactive = make.user(), make.user(org_roles=["hr"]), make.user(active=False)
    assert_visibility(profile, {"staff": (staff, True), "inactive": (inactive, False), "anonymous": (anonymous(), False)})
    assert policy.can(hr, "view_staff_number", profile) and policy.can(profile.user, "view_staff_number", profile)
    assert not policy.can(staff, "view_staff_number", profile)
    assert policy.can(profile.user, "edit", profile) and not policy.can(hr, "edit", profile)


def test_a_help_request_without_section_or_wg_is_seen_by_staff_and_managed_by_requester_and_hr(db, make):
    requester = make.user(section=make.section())
    request = make.help_request(requester=requester, wg=None)
    request.section_id = None
    db.session.flush()
    staff, hr = make.user(), make.user(org_roles=["hr"])
    assert_visibility(request, {"staff": (staff, True), "anonymous": (anonymous(), False)})
    assert policy.can(requester, "manage", request) and policy.can(hr, "manage", request)
    assert not policy.can(staff, "manage", request)
