"""Build hook: the wheel is the product.

``build_py`` copies templates/, static/ and migrations/ into ``tracker/_data`` of the build and compiles
every feature's ``messages.po`` into ``messages.mo`` there, so ``pip install wg-tracker`` gives an app
that finds its pages, styles, migrations and Japanese without the source tree. Everything else is in
pyproject.toml.
"""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ["templates", "static", "migrations"]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo")


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if self.editable_mode:
            return  # an editable install reads the checkout's folders directly
        package = Path(self.build_lib) / "tracker"
        for name in DATA_FOLDERS:
            target = package / "_data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target, ignore=IGNORED)
        compile_catalogs(package)


def compile_catalogs(package: Path) -> None:
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    sources = sorted((ROOT / "tracker").glob("translations/*/LC_MESSAGES/messages.po"))
    if not sources:
        raise SystemExit("no translation catalogs found: the wheel would have no Japanese")
    for po in sources:
        relative = po.relative_to(ROOT / "tracker")
        locale = relative.parts[1]
        with po.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        mo = package / relative.with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


setup(cmdclass={"build_py": build_py_with_data})
