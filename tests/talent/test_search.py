from datetime import date, timedelta

from tracker.talent.queries import Criteria, search


def test_ranked_by_fit_with_reasons(make, db):
    analysis = make.skill("データ分析")
    viewer = make.user()
    expert = make.profile(make.user(name="熟練 者"), skills={analysis: (5, True)})
    middle = make.profile(make.user(name="中堅 者"), skills={analysis: 3})
    make.profile(make.user(name="初心 者"), skills={analysis: 2})
    total, results = search(viewer, Criteria(skills=[(analysis, 3)]))
    assert total == 2
    assert [r.profile for r in results] == [expert, middle]
    assert "データ分析 レベル5（3以上）" in results[0].reasons[0] and "応援可" in results[0].reasons[0]


def test_every_criterion(make, db):
    viewer = make.user()
    today = date.today()
    both = make.profile(make.user(name="両方 該当"), certifications=["統計検定2級"], career=[("市民税課", date(2015, 4, 1), date(2019, 3, 31))],
                        willing_to_help=True, time_share=20, available_until=today + timedelta(days=100), achievements="人口推計の可視化")
    make.profile(make.user(name="期限 切れ"), certifications=["統計検定3級"], willing_to_help=True, time_share=20,
                 available_until=today - timedelta(days=1))
    make.profile(make.user(name="応援 不可"), career=[("市民税課", date(2010, 4, 1), None)], willing_to_help=False)

    def names(**criteria):
        return [r.profile.user.name for r in search(viewer, Criteria(**criteria))[1]]

    assert set(names(certification="統計検定")) == {"両方 該当", "期限 切れ"}
    assert set(names(past_section="市民税")) == {"両方 該当", "応援 不可"}
    assert names(available=True) == ["両方 該当"]
    assert names(min_share=30) == []
    assert names(text="人口推計") == ["両方 該当"]
    assert names(certification="統計検定", available=True, past_section="市民税") == ["両方 該当"]
    result = search(viewer, Criteria(text="推計", past_section="市民税"))[1][0]
    assert any("実績" in r for r in result.reasons) and any("市民税課" in r for r in result.reasons)
    assert result.profile == both


def test_search_page_and_free_text_in_japanese(client, login, make):
    make.profile(make.user(name="広報 担当"), achievements="ＳＮＳで市政情報を発信")
    login(make.user())
    page = client.get("/talent?q=sns").get_data(as_text=True)
    assert "広報 担当" in page and "一致した理由" in page
