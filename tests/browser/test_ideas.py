from tests.browser.conftest import browser_login
from tests.browser.test_smoke import _create_user
from tests.conftest import TEST_PASSWORD


def test_staff_posts_an_idea_and_a_colleague_votes_for_it(live_server, browser):
    _create_user(live_server, login="akita", name="秋田 花子", email="akita@example.lg.jp")
    _create_user(live_server, login="noshiro", name="能代 次郎", email="noshiro@example.lg.jp")
    author = browser.new_context(locale="ja-JP").new_page()
    browser_login(author, live_server, "akita", TEST_PASSWORD)
    author.click("text=アイデアボックス")
    author.click("text=提案を投稿")
    author.fill("input[name=title]", "庁内チャットの導入")
    author.fill("textarea[name=body]", "メールより速く相談できるように")
    with author.expect_navigation():
        author.click("button[type=submit].primary")
    assert "投稿しました" in author.inner_text(".flashes")
    url = author.url

    voter = browser.new_context(locale="ja-JP").new_page()
    browser_login(voter, live_server, "noshiro", TEST_PASSWORD)
    voter.goto(url)
    with voter.expect_navigation():
        voter.click("text=投票（いいね）")
    assert voter.inner_text(".vote-box strong") == "1"
    voter.goto(f"{live_server.url}/ideas?sort=newest")
    assert "庁内チャットの導入" in voter.inner_text(".idea-list")
