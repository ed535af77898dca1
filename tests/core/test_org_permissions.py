"""Organisation roles act only through registered organisation permissions (tracker.core.org_permissions)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tracker.accounts.models import OrgRole
from tracker.core.org_permissions import has_org_permission, org_permissions

ROOT = Path(__file__).resolve().parents[2]
INLINE_ROLE_CHECK = re.compile(r"\.(is_dx_office|is_hr|is_idea_moderator)\b|\bhas_org_role\(")
# Where the roles themselves are defined and turned into permissions.
DEFINITIONS = {"tracker/accounts/models.py", "tracker/core/org_permissions.py"}


def test_no_feature_checks_an_organisation_role_inline():
    offenders = []
    for path in [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "templates").rglob("*.html")]:
        relative = str(path.relative_to(ROOT))
        if relative in DEFINITIONS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE_ROLE_CHECK.search(line):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert not offenders, "ask has_org_permission(user, NAME) instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize("name, role", [
    ("view_all_wgs", OrgRole.DX_OFFICE), ("decide_gates", OrgRole.DX_OFFICE), ("view_portfolio", OrgRole.DX_OFFICE),
    ("manage_kpis", OrgRole.DX_OFFICE), ("promote_ideas", OrgRole.DX_OFFICE), ("promote_ideas", OrgRole.IDEA_MODERATOR),
    ("moderate_ideas", OrgRole.IDEA_MODERATOR), ("manage_talent_bank", OrgRole.HR),
])
def test_each_permission_goes_to_its_role_and_to_nobody_else(app, db, make, name, role):
    holder = make.user(org_roles=[role])
    other_roles = [r for r in OrgRole if r not in org_permissions()[name].roles]
    other = make.user(org_roles=other_roles)
    admin = make.user(is_admin=True)
    inactive = make.user(org_roles=[role], active=False)
    assert has_org_permission(holder, name)
    assert has_org_permission(admin, name)
    assert not has_org_permission(other, name)
    assert not has_org_permission(inactive, name)


def test_an_unknown_permission_is_a_programming_error(app, db, make):
    with pytest.raises(LookupError):
        has_org_permission(make.user(), "see_everything")
