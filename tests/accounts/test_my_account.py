from tests.conftest import TEST_PASSWORD, csrf_token
from tracker.accounts.passwords import verify_password


def test_user_changes_language(client, make, login):
    user = login(make.user())
    token = csrf_token(client, "/my/account")
    client.post("/my/account", data={"name": user.name, "email": user.email, "language": "en", "csrf_token": token})
    assert user.language == "en"
    assert "My account" in client.get("/my/account").get_data(as_text=True)


def test_user_changes_password(client, make, login):
    user = login(make.user())
    token = csrf_token(client, "/my/password")
    response = client.post(
        "/my/password",
        data={"current_password": TEST_PASSWORD, "new_password": "a-new-long-secret", "confirm": "a-new-long-secret", "csrf_token": token},
    )
    assert response.status_code == 302
    assert verify_password(user.password_hash, "a-new-long-secret")


def test_weak_new_password_is_refused_and_old_one_kept(client, make, login):
    user = login(make.user())
    token = csrf_token(client, "/my/password")
    page = client.post(
        "/my/password",
        data={"current_password": TEST_PASSWORD, "new_password": "short", "confirm": "short", "csrf_token": token},
    ).get_data(as_text=True)
    assert "10文字以上" in page
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_wrong_current_password_is_refused(client, make, login):
    user = login(make.user())
    token = csrf_token(client, "/my/password")
    page = client.post(
        "/my/password",
        data={"current_password": "wrong-one-here", "new_password": "a-new-long-secret", "confirm": "a-new-long-secret", "csrf_token": token},
    ).get_data(as_text=True)
    assert "現在のパスワードが違います" in page
    assert verify_password(user.password_hash, TEST_PASSWORD)


def test_email_taken_by_someone_else_is_refused_and_input_kept(client, make, login):
    other = make.user()
    user = login(make.user())
    token = csrf_token(client, "/my/account")
    page = client.post(
        "/my/account", data={"name": "新しい名前", "email": other.email, "language": "", "csrf_token": token}
    ).get_data(as_text=True)
    assert "すでに使われています" in page
    assert 'value="新しい名前"' in page
    assert user.name != "新しい名前"
