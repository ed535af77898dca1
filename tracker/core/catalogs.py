"""The translation catalog: one for the whole app (``tracker/translations``).

One catalog means one Japanese wording per English string. Real ambiguities carry a gettext context
(``pgettext("progress", "Status")``), so they stay apart without a catalog per feature.

    python -m tracker.core.catalogs update    # extract strings from tracker/ and templates/ and merge them in
    python -m tracker.core.catalogs compile   # build the .mo file (the install step runs this)
    python -m tracker.core.catalogs check     # list strings without a Japanese translation
    python -m tracker.core.catalogs set [FEATURE] < pairs.tsv
        # lines "English<TAB>日本語", or "context<TAB>English<TAB>日本語"; FEATURE is accepted and ignored,
        # so that pair files written per feature still apply

Runs without the app or a database so that ``make`` can call it before anything else exists.
"""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ["ja"]
KEYWORDS = {
    **DEFAULT_KEYWORDS,
    "lazy_gettext": None,
    "_l": None,
    "lazy_ngettext": (1, 2),
    "lazy_pgettext": ((1, "c"), 2),
    "_lp": ((1, "c"), 2),
}
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols", "trimmed": "true"}


def sources() -> list[Path]:
    """Every Python module and template whose strings belong in the catalog."""
    return sorted((ROOT / "tracker").rglob("*.py")) + sorted((ROOT / "templates").rglob("*.html"))


def extract() -> Catalog:
    template = Catalog(project="wg-tracker", charset="utf-8")
    for path in sources():
        if "_data" in path.relative_to(ROOT).parts:
            continue  # the build's copy of templates/ inside the package
        method = "python" if path.suffix == ".py" else JINJA
        options = {} if method == "python" else JINJA_OPTIONS
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), options=options
        ):
            template.add(message, None, [(str(path.relative_to(ROOT)), lineno)], auto_comments=comments, context=context)
    return template


def po_path(locale: str) -> Path:
    return ROOT / "tracker" / "translations" / locale / "LC_MESSAGES" / "messages.po"


def read_catalog(path: Path, locale: str) -> Catalog:
    if not path.exists():
        return Catalog(locale=locale, project="wg-tracker", charset="utf-8")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


# Sorted, without line numbers or dates: parallel branches that add strings to one catalog then merge
# without conflicts, and moving code does not rewrite the catalog.
_FIXED_DATE = datetime(2026, 1, 1, tzinfo=timezone.utc)


def save_catalog(path: Path, catalog: Catalog) -> None:
    catalog.creation_date = _FIXED_DATE
    catalog.revision_date = _FIXED_DATE
    catalog.fuzzy = False
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=120, omit_header=False, sort_output=True, include_lineno=False)


def update() -> None:
    template = extract()
    for locale in LOCALES:
        path = po_path(locale)
        catalog = read_catalog(path, locale)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        save_catalog(path, catalog)
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def compile_all() -> None:
    for locale in LOCALES:
        path = po_path(locale)
        if not path.exists():
            continue
        catalog = read_catalog(path, locale)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def _untranslated(message) -> bool:
    strings = message.string
    if isinstance(strings, (tuple, list)):
        return not all(strings)
    return not strings


def missing() -> dict[str, list[str]]:
    """Per locale, the extracted messages that have no translation."""
    template = extract()
    result = {}
    for locale in LOCALES:
        catalog = read_catalog(po_path(locale), locale)
        gaps = []
        for message in template:
            if not message.id:
                continue
            found = catalog.get(message.id, context=message.context)
            if found is None or _untranslated(found) or found.fuzzy:
                gaps.append(message.id if isinstance(message.id, str) else message.id[0])
        if gaps:
            result[locale] = gaps
    return result


def set_translations(lines, locale: str = "ja") -> int:
    path = po_path(locale)
    catalog = read_catalog(path, locale)
    changed = 0
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip() or "\t" not in line:
            continue
        parts = line.split("\t")
        context, message_id, text = (parts[0], parts[1], "\t".join(parts[2:])) if len(parts) >= 3 else (None, *parts)
        message = catalog.get(message_id, context=context)
        if message is None:
            print(f"not in the catalog (run update first): {message_id}", file=sys.stderr)
            continue
        # A plural message (ngettext) has one form per plural rule; Japanese has a single form.
        message.string = (text,) * catalog.num_plurals if message.pluralizable else text
        message.flags.discard("fuzzy")
        changed += 1
    save_catalog(path, catalog)
    return changed


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        gaps = missing()
        for where, ids in gaps.items():
            print(f"{where}: {len(ids)} untranslated")
            for message_id in ids:
                print(f"  {message_id}")
        return 1 if gaps else 0
    elif command == "set":
        print(f"{set_translations(sys.stdin)} translations set")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
