import re

from tests.conftest import csrf_token


def test_a_user_makes_an_api_key_and_a_client_uses_it(client, make, login):
    user = login(make.user())
    assert "/my/api_key" in client.get("/my/account").get_data(as_text=True)
    page = client.post("/my/api_key", data={"csrf_token": csrf_token(client, "/my/api_key")}).get_data(as_text=True)
    key = re.search(r'<code id="api-key">([0-9a-f]{40})</code>', page).group(1)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/my/account")})
    answer = client.get("/users/current.json", headers={"X-Redmine-API-Key": key})
    assert answer.status_code == 200 and answer.get_json()["user"]["login"] == user.login
    assert key not in client.get(f"/users/current.json?key={key}").get_data(as_text=True)  # never shown again
