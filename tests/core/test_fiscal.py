from datetime import date

import pytest

from tracker.core.fiscal import FiscalQuarter, fiscal_quarter, fiscal_year, fiscal_year_label, reiwa_label


@pytest.mark.parametrize(
    "day, year, quarter",
    [
        (date(2026, 4, 1), 2026, 1),
        (date(2026, 6, 30), 2026, 1),
        (date(2026, 7, 1), 2026, 2),
        (date(2026, 11, 22), 2026, 3),
        (date(2027, 1, 5), 2026, 4),
        (date(2027, 3, 31), 2026, 4),
    ],
)
def test_fiscal_year_starts_in_april(day, year, quarter):
    assert fiscal_year(day) == year
    assert fiscal_quarter(day) == quarter


def test_quarter_bounds():
    q4 = FiscalQuarter(2026, 4)
    assert q4.start == date(2027, 1, 1)
    assert q4.end == date(2027, 3, 31)
    assert q4.next() == FiscalQuarter(2027, 1)
    assert FiscalQuarter.of(date(2026, 11, 22)) == FiscalQuarter(2026, 3)
    assert not FiscalQuarter(2026, 4).has_started(date(2026, 11, 22))
    assert FiscalQuarter(2026, 2).has_ended(date(2026, 11, 22))


def test_reiwa_notation():
    assert reiwa_label(2019) == "R1"
    assert reiwa_label(2022) == "R4"
    assert fiscal_year_label(2026, "ja") == "R8年度"
    assert fiscal_year_label(2026, "en") == "FY2026 (R8)"
