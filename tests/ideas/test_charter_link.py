"""Runs once the charter and KPI features are installed next to the idea box (they are built on another
branch): a WG started from an idea is in its launch phase with purpose and origin from the idea, and the
idea page shows the phase and the WG's KPIs."""
import pytest

from tests.conftest import csrf_token
from tracker import FEATURES
from tracker.accounts.models import OrgRole

pytestmark = pytest.mark.skipif(not {"charter", "kpi"} <= set(FEATURES), reason="charter and KPI features not installed")


def test_promoted_wg_has_launch_phase_purpose_origin_and_kpis_shown(client, make, login, db):
    from tracker.charter.services import charter_for
    from tracker.kpi.models import WgKpi

    idea = make.idea(title="補助金データベース", body="一元化", state="accepted")
    moderator = login(make.user(name="森 モデレーター", org_roles=[OrgRole.IDEA_MODERATOR]))
    path = f"/ideas/{idea.id}"
    client.post(f"{path}/promote", data={"name": "補助金WG", "identifier": "hojo", "csrf_token": csrf_token(client, path)})
    charter = charter_for(idea.wg)
    assert charter.phase == "launch" and charter.origin == "idea" and "一元化" in charter.purpose
    # the charter's history and the idea's both tell who started the WG
    charter_history = client.get("/projects/hojo/charter").get_data(as_text=True).split('class="history"')[1]
    assert moderator.name in charter_history and "アイデアから" in charter_history and "一元化" in charter_history
    assert "補助金WG" in client.get(path).get_data(as_text=True).split('class="history"')[1]
    kpi = make.kpi(name="補助金検索件数")
    db.session.add(WgKpi(wg_id=idea.wg.id, kpi_id=kpi.id))
    db.session.flush()
    page = client.get(path).get_data(as_text=True)
    assert "立ち上げ" in page and "補助金検索件数" in page
