"""An empty list says what to do next: who may act gets the action; someone who may not is told who acts."""


def test_no_meetings_tells_the_leader_to_schedule_one_and_an_outsider_who_will(client, make, login):
    leader, outsider = make.user(), make.user()
    wg = make.wg(members={leader: "WG責任者"})
    login(leader)
    page = client.get(f"/projects/{wg.identifier}/meetings").get_data(as_text=True)
    assert "empty-state" in page and "最初の定例会を登録しましょう" in page
    assert f'href="/projects/{wg.identifier}/meetings/new"' in page
    login(outsider)  # a public WG: readable, not theirs to schedule
    page = client.get(f"/projects/{wg.identifier}/meetings").get_data(as_text=True)
    assert "定例会はWGのメンバーが登録します" in page and "/meetings/new" not in page


def test_no_notifications_points_to_the_settings(client, make, login):
    login(make.user())
    page = client.get("/my/notifications").get_data(as_text=True)
    assert "通知されます" in page and 'href="/my/notifications/settings"' in page
