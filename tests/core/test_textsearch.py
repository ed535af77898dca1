from sqlalchemy import select

from tracker.core.models import SearchDocument
from tracker.core.textsearch import bigrams, highlight, index_document, matches, remove_document


def _found(db, query, kinds=None):
    subquery = matches(query, kinds)
    rows = db.session.execute(
        select(SearchDocument.object_id).join(subquery, subquery.c.id == SearchDocument.id).order_by(subquery.c.rank.desc())
    )
    return [row[0] for row in rows]


def test_bigrams_cut_japanese_and_normalise_width():
    assert bigrams("出張申請") == ["出張", "張申", "申請"]
    assert bigrams("ＲＰＡ") == ["rp", "pa"]


def test_two_character_japanese_word_is_found_inside_a_longer_one(db):
    index_document("test", 1, "出張申請の拡充", "市民サービスセンターで実施")
    index_document("test", 2, "交付通知までの期間短縮", "バックオフィス業務の改善")
    assert _found(db, "出張") == [1]
    assert _found(db, "期間短縮") == [2]
    assert _found(db, "短縮 交付") == [2]
    assert _found(db, "申請出張") == []


def test_updates_and_removals_reach_the_index(db):
    index_document("test", 3, "古い件名", "")
    index_document("test", 3, "新しい件名", "")
    assert _found(db, "古い") == []
    assert _found(db, "新し") == [3]
    remove_document("test", 3)
    assert _found(db, "新し") == []


def test_kinds_filter_and_latin_words(db):
    index_document("ticket", 4, "RPA導入", "")
    index_document("idea", 4, "RPAの勉強会", "")
    assert _found(db, "rpa", kinds=["idea"]) == [4]
    assert len(_found(db, "ＲＰＡ")) == 2


def test_single_character_query_falls_back_to_substring(db):
    index_document("test", 5, "窓口", "")
    assert _found(db, "窓") == [5]


def test_empty_query_matches_nothing(db):
    assert matches("  ") is None


def test_highlight_marks_matches_and_escapes_html():
    excerpt = highlight("<b>出張申請</b>の拡充", "出張")
    assert "<mark>出張</mark>" in excerpt
    assert "&lt;b&gt;" in excerpt
