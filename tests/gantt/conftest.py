from datetime import date

import pytest

from tracker.tickets.models import TicketRelation


@pytest.fixture
def plan(make, db):
    """A WG with a leader and an observer, and three tickets: 設計 precedes 開発 (2 days' delay), 開発 precedes 試験."""
    leader, observer = make.user(login="gantt-leader"), make.user(login="gantt-observer")
    wg = make.wg(identifier="gantt-wg", name="窓口DX WG", members={leader: "WG責任者", observer: "オブザーバー"})
    design = make.ticket(wg=wg, author=leader, subject="設計", start_date=date(2026, 4, 1), due_date=date(2026, 4, 10))
    build = make.ticket(wg=wg, author=leader, subject="開発", start_date=date(2026, 4, 13), due_date=date(2026, 4, 30))
    check = make.ticket(wg=wg, author=leader, subject="試験", start_date=date(2026, 5, 1), due_date=date(2026, 5, 15))
    loose = make.ticket(wg=wg, author=leader, subject="広報", start_date=date(2026, 4, 1), due_date=date(2026, 6, 30))
    db.session.add_all([
        TicketRelation(issue_from_id=design.id, issue_to_id=build.id, relation_type="precedes", delay=2),
        TicketRelation(issue_from_id=build.id, issue_to_id=check.id, relation_type="precedes", delay=0),
    ])
    db.session.flush()
    return type("Plan", (), {"wg": wg, "leader": leader, "observer": observer, "design": design, "build": build,
                             "check": check, "loose": loose})
