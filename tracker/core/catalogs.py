"""Translation catalogs, one per feature package (``tracker/<feature>/translations``).

One catalog per feature keeps features independent; Flask-Babel merges them at run time.

    python -m tracker.core.catalogs update    # extract strings and merge them into each ja catalog
    python -m tracker.core.catalogs compile   # build the .mo files (the install step runs this)
    python -m tracker.core.catalogs check     # list strings without a Japanese translation
    python -m tracker.core.catalogs set FEATURE < pairs.tsv   # msgid<TAB>msgstr lines into FEATURE's ja catalog

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
KEYWORDS = {**DEFAULT_KEYWORDS, "lazy_gettext": None, "_l": None, "lazy_ngettext": (1, 2)}
JINJA = "jinja2.ext:babel_extract"
JINJA_OPTIONS = {"extensions": "jinja2.ext.do,jinja2.ext.loopcontrols", "trimmed": "true"}


def features() -> list[str]:
    return sorted(p.parent.name for p in (ROOT / "tracker").glob("*/__init__.py") if p.parent.name != "__pycache__")


def sources(feature: str) -> list[Path]:
    """The Python modules and templates whose strings belong to a feature's catalog."""
    files = sorted((ROOT / "tracker" / feature).rglob("*.py")) + sorted((ROOT / "templates" / feature).rglob("*.html"))
    if feature == "core":
        files += sorted((ROOT / "tracker").glob("*.py")) + sorted((ROOT / "templates").glob("*.html"))
    return files


def extract(feature: str) -> Catalog:
    template = Catalog(project="wg-tracker", charset="utf-8")
    for path in sources(feature):
        method = "python" if path.suffix == ".py" else JINJA
        options = {} if method == "python" else JINJA_OPTIONS
        for lineno, message, comments, context in extract_from_file(
            method, str(path), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), options=options
        ):
            template.add(message, None, [(str(path.relative_to(ROOT)), lineno)], auto_comments=comments, context=context)
    return template


def po_path(feature: str, locale: str) -> Path:
    return ROOT / "tracker" / feature / "translations" / locale / "LC_MESSAGES" / "messages.po"


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
    for feature in features():
        template = extract(feature)
        if not len(template):
            continue
        for locale in LOCALES:
            path = po_path(feature, locale)
            catalog = read_catalog(path, locale)
            catalog.update(template, no_fuzzy_matching=True)
            catalog.obsolete.clear()
            path.parent.mkdir(parents=True, exist_ok=True)
            save_catalog(path, catalog)
            print(f"{path.relative_to(ROOT)}: {len(catalog)} messages")


def compile_all() -> None:
    for feature in features():
        for locale in LOCALES:
            path = po_path(feature, locale)
            if not path.exists():
                continue
            catalog = read_catalog(path, locale)
            with path.with_suffix(".mo").open("wb") as handle:
                write_mo(handle, catalog, use_fuzzy=False)


def missing() -> dict[str, list[str]]:
    """Per feature, the extracted messages that have no Japanese translation."""
    result = {}
    for feature in features():
        template = extract(feature)
        for locale in LOCALES:
            catalog = read_catalog(po_path(feature, locale), locale)
            gaps = []
            for message in template:
                if not message.id:
                    continue
                found = catalog.get(message.id, context=message.context)
                strings = found.string if found is not None else None
                if isinstance(strings, (tuple, list)):
                    empty = not all(strings)
                else:
                    empty = not strings
                if found is None or empty or found.fuzzy:
                    gaps.append(message.id if isinstance(message.id, str) else message.id[0])
            if gaps:
                result[f"{feature}/{locale}"] = gaps
    return result


def set_translations(feature: str, lines, locale: str = "ja") -> int:
    path = po_path(feature, locale)
    catalog = read_catalog(path, locale)
    changed = 0
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip() or "\t" not in line:
            continue
        message_id, text = line.split("\t", 1)
        message = catalog.get(message_id)
        if message is None:
            print(f"not in {feature}: {message_id}", file=sys.stderr)
            continue
        message.string = text
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
    elif command == "set" and len(argv) > 2:
        print(f"{set_translations(argv[2], sys.stdin)} translations set")
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
