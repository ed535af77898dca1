from tests.access import scenario as sc


def test_scenario_builds(scenario, clients):
    assert scenario.private_ticket.is_private
    assert clients[sc.ADMIN].get(f"/issues/{scenario.private_ticket.id}").status_code == 200
