"""和暦 (Japanese era) display: R8年12月2日, R8年度. The era table comes from japanera (maintained, on PyPI),
so a future era is a package upgrade, not a code change."""
from __future__ import annotations

from datetime import date
from functools import lru_cache

WESTERN = "western"  # 西暦: 2026年12月2日, 2026年度
JAPANESE = "japanese"  # 和暦: R8年12月2日, R8年度
DATE_STYLES = (WESTERN, JAPANESE)


@lru_cache(maxsize=4096)
def era_year(day: date) -> tuple[str, int]:
    """The era's initial and the year within it: 2026-12-02 -> ("R", 8); 2019-04-30 -> ("H", 31)."""
    from japanera import EraDate  # here: only 和暦 needs it

    era = EraDate.from_date(day).era
    if era is None:  # before the table's first era: no short form, show the western year
        return "", day.year
    return era.english[0], day.year - era.since.year + 1


def era_label(day: date) -> str:
    """R8 for a day in 令和8年."""
    initial, year = era_year(day)
    return f"{initial}{year}"
