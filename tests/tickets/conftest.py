import pytest


@pytest.fixture
def team(make):
    """A WG with a leader, a member and an observer, plus an outsider."""
    leader, member, observer, outsider = make.user(), make.user(), make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者", member: "メンバー", observer: "オブザーバー"})
    return type("Team", (), {"wg": wg, "leader": leader, "member": member, "observer": observer, "outsider": outsider})
