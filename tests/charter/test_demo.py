from sqlalchemy import func, select

from tracker.charter.models import Charter
from tracker.cli import main
from tracker.kpi.models import Kpi
from tracker.quarterly.models import QuarterlyEntry
from tracker.wg.models import WorkingGroup


def test_demo_puts_wgs_in_phases_fills_the_charter_and_kpis_and_runs_twice(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(main, ["demo"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    counts = (db.session.scalar(select(func.count()).select_from(Kpi)),
              db.session.scalar(select(func.count()).select_from(QuarterlyEntry)))
    assert runner.invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    assert counts == (db.session.scalar(select(func.count()).select_from(Kpi)),
                      db.session.scalar(select(func.count()).select_from(QuarterlyEntry)))
    assert counts[0] == 6 and counts[1] > 10
    phases = dict(db.session.execute(select(WorkingGroup.identifier, Charter.phase).join(Charter, Charter.wg_id == WorkingGroup.id)).all())
    assert {"launch", "planning", "execution", "closed", "stopped"} <= set(phases.values())
    mynumber = db.session.scalar(select(Charter).join(WorkingGroup).where(WorkingGroup.identifier == "mynumber-card"))
    assert mynumber.purpose.startswith("①カードの普及促進") and [p.area for p in mynumber.people][:2] == ["①普及促進", "②利活用"]
    assert mynumber.criteria[0].kpi.name == "市民の90%がマイナンバーカードを保有する"


def test_the_demo_charters_have_a_history(app, db):
    from tracker.core import history

    runner = app.test_cli_runner()
    assert runner.invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    mynumber = db.session.scalar(select(Charter).join(WorkingGroup).where(WorkingGroup.identifier == "mynumber-card"))
    entries = history.entries_for(mynumber)
    assert "purpose" in [c[0] for c in entries[0].entry.changes]  # the charter as the demo filled it
    assert [e.entry.changes for e in entries[1:]] == [[["gate", None, "go"], ["phase", "launch", "planning"]],
                                                     [["gate", None, "go"], ["phase", "planning", "execution"]]]
    assert runner.invoke(main, ["demo"], catch_exceptions=False).exit_code == 0
    assert len(history.entries_for(mynumber)) == len(entries)  # a second run adds nothing
