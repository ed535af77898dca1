import io

import pytest

from tests.conftest import csrf_token
from tracker.accounts.models import OrgRole
from tracker.talent.models import Profile

CSV = """職員番号,氏名,所属,開始日,終了日,スキル,資格
A001,前橋 一郎,市民課,2012-04-01,2016-03-31,データ分析:4;RPA:2,ITパスポート@2019-10-01
A001,前橋 一郎,情報政策課,2016-04-01,,,
A002,前橋 二郎,財政課,2018-04-01,2017-03-31,,
A003,前橋 三郎,広報課,2019-04-01,,占い:5,
"""


@pytest.fixture
def setup(make):
    make.skill("データ分析")
    make.skill("RPA", synonyms="ロボティック・プロセス・オートメーション")
    users = [make.user(name=n) for n in ("前橋 一郎", "前橋 二郎", "前橋 三郎")]
    return users


def _upload(client, data: bytes, mode: str):
    token = csrf_token(client, "/talent/import")
    return client.post("/talent/import", data={"csrf_token": token, "mode": mode, "file": (io.BytesIO(data), "hr.csv")},
                       content_type="multipart/form-data")


def test_valid_rows_are_imported_and_errors_reported_per_row(client, login, make, db, setup):
    login(make.user(org_roles=[OrgRole.HR]))
    page = _upload(client, CSV.encode("cp932"), "valid").get_data(as_text=True)
    assert "2件を取り込みました" in page
    assert "期間の終了" in page and "不明なスキル: 占い" in page
    profile = db.session.query(Profile).filter_by(staff_number="A001").one()
    assert [c.section_name for c in profile.career] == ["情報政策課", "市民課"]
    assert {(s.skill.name, s.level) for s in profile.skills} == {("データ分析", 4), ("RPA", 2)}
    assert [c.name for c in profile.certifications] == ["ITパスポート"]
    assert db.session.query(Profile).filter_by(staff_number="A002").first() is None
    _upload(client, CSV.encode("utf-8-sig"), "valid")  # again: nothing doubles
    assert len(profile.career) == 2


def test_all_or_nothing(client, login, make, db, setup):
    login(make.user(org_roles=[OrgRole.HR]))
    page = _upload(client, CSV.encode(), "all").get_data(as_text=True)
    assert "取り込みませんでした" in page
    assert db.session.query(Profile).count() == 0


def test_only_hr_imports(client, login, make):
    login(make.user())
    assert client.get("/talent/import").status_code == 403


def test_missing_columns_and_bad_dates_are_reported(client, login, make, db, setup):
    login(make.user(org_roles=[OrgRole.HR]))
    page = _upload(client, "氏名,所属\n前橋 一郎,市民課\n".encode(), "valid").get_data(as_text=True)
    assert "列がありません: 職員番号" in page
    page = _upload(client, "職員番号,氏名,所属,開始日\nA009,前橋 一郎,市民課,2020-13-01\nA010,該当 なし,市民課,2020-04-01\n".encode(),
                   "valid").get_data(as_text=True)
    assert "「2020-13-01」は日付ではありません" in page and "1人に特定できません" in page
    assert db.session.query(Profile).count() == 0


@pytest.mark.parametrize("text, expected", [
    ("2020-04-01", "2020-04-01"), ("2020/4/1", "2020-04-01"), ("2020年4月1日", "2020-04-01"), ("令和2年4月1日", "2020-04-01"),
    ("R2.4.1", "2020-04-01"), ("令和元年5月1日", "2019-05-01"), ("平成31年3月31日", "2019-03-31"), ("Ｈ３０．４．１", "2018-04-01"),
])
def test_dates_as_hr_systems_write_them(text, expected):
    from tracker.talent.imports import parse_date

    assert parse_date(text).isoformat() == expected


@pytest.mark.parametrize("text", ["2020-13-01", "4月1日", "令和2年", "x"])
def test_not_dates(text):
    from tracker.talent.imports import parse_date

    with pytest.raises(ValueError):
        parse_date(text)


def test_an_oversized_field_is_an_error_on_its_row_and_the_other_rows_import(client, login, make, db, setup):
    # csv's field size limit (128 KiB) used to end the whole import with a 500.
    huge = "x" * (200 * 1024)
    data = (f"職員番号,氏名,所属,開始日,終了日,スキル,資格\n"
            f"A001,前橋 一郎,市民課,2012-04-01,2016-03-31,,\n"
            f"A009,\"{huge}\",広報課,2019-04-01,,,\n"
            f"A003,前橋 三郎,広報課,2019-04-01,,,\n").encode("utf-8")
    login(make.user(org_roles=[OrgRole.HR]))
    response = _upload(client, data, "valid")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2件を取り込みました" in page
    assert "長すぎ" in page
    assert db.session.query(Profile).filter_by(staff_number="A003").one()
