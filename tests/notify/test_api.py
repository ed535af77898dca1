from tracker.accounts.services import issue_api_key


def test_notifications_through_the_api(client, make, db):
    user, other = make.user(), make.user()
    wg = make.wg(name="窓口WG")
    first = make.notification(user, title="チケット #3 が更新されました", wg_id=wg.id)
    second = make.notification(user, title="判断が行われました")
    make.notification(other, title="他人宛て")
    headers = {"X-Redmine-API-Key": issue_api_key(user)}

    data = client.get("/api/v1/notifications", headers=headers).json
    assert data["unread_count"] == 2 and data["total_count"] == 2
    assert {n["title"] for n in data["notifications"]} == {"チケット #3 が更新されました", "判断が行われました"}
    assert [n["wg"]["name"] for n in data["notifications"] if n["wg"]] == ["窓口WG"]

    assert client.post("/api/v1/notifications/read", json={"ids": [first.id]}, headers=headers).status_code == 204
    unread = client.get("/api/v1/notifications?unread=1", headers=headers).json
    assert [n["id"] for n in unread["notifications"]] == [second.id]
    assert client.post("/api/v1/notifications/read", json={"ids": "all"}, headers=headers).status_code == 422
    assert client.post("/api/v1/notifications/read", json={}, headers=headers).status_code == 204
    assert client.get("/api/v1/notifications", headers=headers).json["unread_count"] == 0
    assert client.get("/api/v1/notifications").status_code == 401


def test_the_openapi_document_describes_the_notification_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert "/notifications" in paths and "/notifications/read" in paths
