from tracker.accounts.services import issue_api_key


def test_openapi_lists_the_talent_paths(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/talent/profiles", "/talent/profiles/{user_id}", "/talent/skills", "/talent/search", "/talent/help-requests", "/talent/help-requests/{request_id}"):
        assert path in paths


def test_help_requests_through_the_api(client, make, db):
    make.skill("データ分析", synonyms="データアナリティクス")
    user = make.user(section=make.section())
    headers = {"X-Redmine-API-Key": issue_api_key(user)}
    bad = client.post("/api/v1/talent/help-requests", json={"title": "分析", "time_share": 101, "starts_on": "2026-04-01",
                                                            "needs": [{"skill": "占い", "min_level": 3}]}, headers=headers)
    assert bad.status_code == 422 and "不明なスキル: 占い" in bad.get_json()["errors"]
    response = client.post("/api/v1/talent/help-requests", json={"title": "分析", "time_share": 10, "starts_on": "2026-04-01",
                                                                 "needs": [{"skill": "データアナリティクス", "min_level": 3, "importance": 3}]}, headers=headers)
    assert response.status_code == 201
    body = client.get(response.headers["Location"], headers=headers).get_json()["help_request"]
    assert body["needs"][0]["skill"] == "データ分析" and body["candidates"] == []
    listing = client.get("/api/v1/talent/help-requests?status=open", headers=headers).get_json()
    assert listing["total_count"] == 1
    assert client.get("/api/v1/talent/skills", headers=headers).get_json()["skills"][0]["synonyms"] == ["データアナリティクス"]
    assert client.get("/api/v1/talent/search?skill=占い:2", headers=headers).status_code == 400


def test_help_request_workflow_through_the_api(client, make, db):
    skill = make.skill("統計")
    section = make.section()
    helper = make.user(section=section, job_title="主事")
    chief = make.user(section=section, job_title="課長")
    requester = make.user(section=make.section())
    request = make.help_request(requester, needs={skill: 2})
    make.profile(helper, skills={skill: 3})

    def post(user, path, body=None):
        return client.post(f"/api/v1/talent{path}", json=body or {}, headers={"X-Redmine-API-Key": issue_api_key(user)})

    applied = post(helper, f"/help-requests/{request.id}/apply", {"message": "手伝えます"})
    assert applied.status_code == 200
    engagement_id = applied.get_json()["help_request"]["helpers"][0]["engagement_id"]
    refused = post(requester, f"/engagements/{engagement_id}/approve")
    assert refused.status_code == 422 and "課長のみ" in refused.get_json()["errors"][0]
    assert post(chief, f"/engagements/{engagement_id}/approve").get_json()["help_request"]["helpers"][0]["status"] == "approved"
    assert post(requester, f"/engagements/{engagement_id}/complete", {"hours": -1, "outcome": "x"}).status_code == 422
    done = post(requester, f"/engagements/{engagement_id}/complete", {"hours": 8, "outcome": "集計表を作成"}).get_json()
    assert done["help_request"]["helpers"][0]["status"] == "completed"
    profile = client.get(f"/api/v1/talent/profiles/{helper.id}", headers={"X-Redmine-API-Key": issue_api_key(chief)}).get_json()["profile"]
    assert profile["contributions"][0]["hours"] == 8
