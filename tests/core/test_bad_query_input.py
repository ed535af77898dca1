"""Bad numbers in query strings never give a 500: out-of-range ids, offsets, limits, years and pages get
a 404 or a 422 with a message (or are ignored), on every page and API list."""
import pytest

NUMERIC_PARAMETERS = ["id", "ids", "offset", "limit", "page", "per_page", "year", "issue_id", "project_id", "user_id",
                      "parent_id", "tracker_id", "status_id", "query_id", "section_id", "department_id", "role_id",
                      "priority_id", "assigned_to_id", "author_id", "wg_id", "kpi_id", "skill_id", "fiscal_year",
                      "before", "quarter", "min_level", "time_share", "version_id", "category_id"]
BAD_VALUES = ["9" * 30, "2147483648", "2147483647", "99999", "0", "-9223372036854775809", "-1", "1e309", "abc", "12%00"]


def _get_routes(app):
    return sorted(str(rule) for rule in app.url_map.iter_rules()
                  if "GET" in rule.methods and "<" not in str(rule) and not str(rule).startswith("/static"))


@pytest.mark.parametrize("value", BAD_VALUES)
def test_no_page_answers_500_to_bad_numbers(app, client, make, login, value):
    admin = login(make.admin())
    wg = make.wg(members={admin: "WG責任者"})
    make.ticket(wg, admin)
    routes = _get_routes(app) + [f"/projects/{wg.identifier}/issues", f"/projects/{wg.identifier}/activity",
                                 f"/projects/{wg.identifier}/time_entries", f"/projects/{wg.identifier}/issues.json"]
    failures = []
    for route in routes:
        response = client.get(route, query_string={name: value for name in NUMERIC_PARAMETERS})
        if response.status_code >= 500:
            failures.append(route)
    assert failures == []


def test_an_out_of_range_api_offset_is_a_422_with_a_message(client, make):
    from tracker.accounts.services import issue_api_key

    key = issue_api_key(make.user())
    response = client.get("/issues.json", query_string={"offset": "9" * 30}, headers={"X-Redmine-API-Key": key})
    assert response.status_code in (404, 422)
    assert response.json["errors"]


def test_an_out_of_range_id_in_the_query_string_is_a_404_page_with_a_message(client, make, login):
    login(make.user())
    response = client.get("/issues", query_string={"query_id": "9" * 30})
    assert response.status_code in (404, 422)
    assert "範囲" in response.get_data(as_text=True)
