from tracker import create_app


def test_health_check_answers_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "ok", "schema": "ok"}


def test_health_check_answers_503_without_the_database(tmp_path):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/missing/dir/x.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_health_check_answers_503_on_an_empty_database(tmp_path):
    # SELECT 1 works there, but every page would fail until `tracker db upgrade` has run.
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/empty.db")
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["schema"] == "outdated"
    assert response.json["revision"] == []


def test_pages_need_a_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_unknown_page_is_a_japanese_404(client, make, login):
    login(make.user())
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "お探しのページは存在しない" in response.get_data(as_text=True)


def test_api_paths_get_json_errors(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["errors"]


def test_home_page_is_japanese_with_a_japanese_date(client, make, login):
    login(make.user(name="前橋 花子"))
    page = client.get("/").get_data(as_text=True)
    assert "ようこそ、前橋 花子さん" in page
    assert "年度）です" in page
    assert '<html lang="ja">' in page


def test_layout_loads_nothing_from_another_origin(client, make, login):
    login(make.admin())
    page = client.get("/admin/users").get_data(as_text=True)
    assert "http://" not in page.replace("http://localhost", "")
    assert "https://" not in page
    assert "/static/css/app.css" in page


def test_layout_works_at_phone_width(client, make, login):
    login(make.user())
    page = client.get("/").get_data(as_text=True)
    assert 'name="viewport" content="width=device-width' in page
    css = client.get("/static/css/app.css").get_data(as_text=True)
    assert "@media (max-width: 700px)" in css


def test_navigation_puts_own_work_first_and_administration_last(client, make, login):
    login(make.admin())
    page = client.get("/").get_data(as_text=True)
    nav = page[page.index('class="mainnav"') : page.index('class="usernav"')]
    assert nav.index("マイページ") < nav.index("チケット") < nav.index("アイデアボックス") < nav.index(">管理<")
