"""Where the app finds its files, in a checkout and when installed from the wheel.

In a checkout, templates, static files and migrations sit next to the ``tracker`` package. The wheel
carries them as package data under ``tracker/_data`` (see setup.py), so an installed app never looks
outside site-packages for its own files, and never writes inside it.
"""
from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PACKAGED_DATA = PACKAGE_DIR / "_data"
CHECKOUT_ROOT = PACKAGE_DIR.parent


def is_checkout() -> bool:
    """True when running from the source tree (plain or editable install), False from an installed wheel."""
    return not PACKAGED_DATA.is_dir() and (CHECKOUT_ROOT / "pyproject.toml").is_file()


def data_dir(name: str) -> Path:
    """``templates``, ``static`` or ``migrations``: the packaged copy if installed, else the checkout's."""
    packaged = PACKAGED_DATA / name
    return packaged if packaged.is_dir() else CHECKOUT_ROOT / name


def instance_dir() -> Path:
    """The folder for the database and uploads.

    ``TRACKER_INSTANCE_DIR`` when set. Otherwise ``instance/`` in the checkout, and for an installed
    wheel ``instance/`` under the current working directory (the systemd units set
    ``WorkingDirectory`` and TRACKER_INSTANCE_DIR): never site-packages.
    """
    configured = os.environ.get("TRACKER_INSTANCE_DIR")
    if configured:
        return Path(configured).expanduser().resolve()
    if is_checkout():
        return CHECKOUT_ROOT / "instance"
    return Path.cwd() / "instance"
