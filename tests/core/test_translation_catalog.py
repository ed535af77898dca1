"""One catalog: one Japanese wording per English string; contexts only where one word means two things."""
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import force_locale

import tracker.core.translation as translation
from tracker.core.catalogs import po_path
from tracker.core.translation import gettext, pgettext

ROOT = Path(__file__).resolve().parents[2]


def _catalog():
    with po_path("ja").open("rb") as handle:
        return read_po(handle, locale="ja")


def test_the_lookup_does_not_depend_on_who_calls_it():
    source = Path(translation.__file__).read_text()
    assert "_getframe" not in source and "inspect" not in source
    assert not list(ROOT.glob("tracker/*/translations")), "every string lives in tracker/translations"


def test_private_reads_hikoukai_everywhere():
    offending = [m.id for m in _catalog() if m.id and "プライベート" in str(m.string)]
    assert offending == []
    assert all("非公開" in str(m.string) for m in _catalog() if isinstance(m.id, str) and m.id.startswith("Private"))


def test_one_wording_for_a_required_name_or_title():
    catalog = _catalog()
    assert catalog.get("The name is required.").string == "名称を入力してください。"
    assert catalog.get("The title is required.").string == "件名を入力してください。"
    assert catalog.get("%(field)s is required.").string == "%(field)sを入力してください。"


def test_contexts_keep_real_ambiguities_apart(app):
    with app.test_request_context(), force_locale("ja"):
        assert gettext("Status") == "ステータス"
        assert pgettext("progress", "Status") == "状況"
        assert gettext("Apply") == "適用"
        assert pgettext("help request", "Apply") == "応募する"


def test_templates_use_the_context(client, make, login):
    login(make.user())
    assert "<th>状況</th>" in client.get("/kpis").get_data(as_text=True)
    assert "ステータス" in client.get("/issues").get_data(as_text=True)
