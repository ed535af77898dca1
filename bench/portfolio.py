"""How long the DX office's portfolio board and the quarterly report take with many WGs.

    .venv/bin/python bench/portfolio.py [WGS] [DATABASE_URL]

Builds WGS WGs (default 200), each with a charter, 2 linked KPIs with measurements, 5 risks, 8 quarterly
entries and 5 tickets, on a fresh SQLite file (or the given database), then prints the median time of the
health signals, the /portfolio page and the /quarterly page over 10 runs.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_login import FlaskLoginClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from tracker import create_app  # noqa: E402
from tracker.extensions import db  # noqa: E402


def build(n: int) -> int:
    from tests.factories import Factories
    from tracker.charter.models import Milestone
    from tracker.charter.services import charter_for
    from tracker.charter.tickets import make_ticket
    from tracker.kpi.models import KpiMeasurement, WgKpi
    from tracker.quarterly.models import QuarterlyEntry
    from tracker.risks.models import Risk

    make = Factories(db)
    office = make.user(login="office", org_roles=["dx_office"])
    kpis = [make.kpi(name=f"KPI {i}", baseline_date=date(2025, 4, 1), target_fiscal_year=2027) for i in range(20)]
    for kpi in kpis:
        db.session.add(KpiMeasurement(kpi_id=kpi.id, value=10, as_of=date(2026, 4, 1)))
    phases = ["launch", "planning", "execution", "closed", "stopped"]
    for i in range(n):
        leader = make.user()
        wg = make.wg(members={leader: "WG責任者"})
        charter = charter_for(wg)
        charter.milestones = [Milestone(title="m", due_date=date(2027, 3, 31))]
        for kpi in (kpis[i % 20], kpis[(i + 7) % 20]):
            db.session.add(WgKpi(wg_id=wg.id, kpi_id=kpi.id))
        for r in range(5):
            db.session.add(Risk(wg_id=wg.id, title=f"risk {r}", category="technical", probability=1 + r, impact=5 - r,
                                response="mitigate", next_review=date(2026, 10, 1) + timedelta(days=30 * r)))
        for q in range(1, 5):
            db.session.add(QuarterlyEntry(wg_id=wg.id, initiative="取組A", fiscal_year=2026, quarter=q, target="目標",
                                          actual="実績" if q == 1 else ""))
            db.session.add(QuarterlyEntry(wg_id=wg.id, initiative="取組B", fiscal_year=2026, quarter=q, target="目標"))
        for t in range(5):
            make_ticket(wg, leader, f"ticket {t}", "", leader.id, date(2026, 9, 1) + timedelta(days=30 * t))
        charter.phase = phases[i % 5]  # last: a closed WG takes no new tickets
    db.session.commit()
    return office.id


def median_ms(fn, runs: int = 10) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as tmp:
        url = sys.argv[2] if len(sys.argv) > 2 else f"sqlite:///{tmp}/bench.db"
        app = create_app("test", SQLALCHEMY_DATABASE_URI=url, UPLOAD_DIR=tmp, SERVER_NAME="localhost", WTF_CSRF_ENABLED=False)
        app.test_client_class = FlaskLoginClient
        with app.app_context():
            upgrade()
            office_id = build(n)
            from tracker.accounts.models import User
            from tracker.charter import health

            office = db.session.get(User, office_id)
            signals = median_ms(lambda: health.portfolio(office, today=date(2026, 11, 22)))
        with app.app_context():
            office = db.session.get(User, office_id)
            client = app.test_client(user=office)
            assert client.get("/portfolio").status_code == 200
            page = median_ms(lambda: client.get("/portfolio"))
            report = median_ms(lambda: client.get("/quarterly?year=2026"))
        print(f"{n} WGs on {url.split(':')[0]}: health signals {signals:.1f} ms, /portfolio {page:.1f} ms, "
              f"/quarterly {report:.1f} ms (median of 10)")


if __name__ == "__main__":
    main()
