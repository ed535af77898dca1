"""The web unit of deploy/ as the wheel test and the memory benchmark run it: the environment its ``Environment=``
lines set (``EnvironmentFile=`` is the site's own configuration, not read here)."""
from __future__ import annotations

from pathlib import Path

WEB_UNIT = Path(__file__).resolve().parents[1] / "deploy" / "wg-tracker.service"


def web_unit_environment() -> dict[str, str]:
    """``Environment=NAME=value`` lines of the web unit, as a mapping."""
    lines = WEB_UNIT.read_text(encoding="utf-8").splitlines()
    pairs = (line.removeprefix("Environment=").split("=", 1) for line in lines if line.startswith("Environment="))
    return {name: value for name, value in pairs}
