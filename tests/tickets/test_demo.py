from sqlalchemy import func, select

from tracker.core.seeding import load_demo
from tracker.tickets.models import Journal, Ticket, TicketRelation, TimeEntry


def test_demo_loads_twice_and_shows_the_seed_tickets(client, db, login):
    load_demo()
    counts = [db.session.scalar(select(func.count()).select_from(m)) for m in (Ticket, Journal, TicketRelation, TimeEntry)]
    load_demo()
    assert [db.session.scalar(select(func.count()).select_from(m)) for m in (Ticket, Journal, TicketRelation, TimeEntry)] == counts
    assert counts[0] >= 15 and counts[1] >= 5 and counts[2] >= 4 and counts[3] >= 5
    from tracker.accounts.models import User

    login(db.session.scalar(select(User).where(User.login == "izumi")), password="wg-demo-2026")
    from tracker.tickets.models import CustomField

    # The demo's own fields, by id: on PostgreSQL earlier tests have moved the id sequence on.
    fields = "".join(f"&c[]=cf_{i}" for i in db.session.scalars(select(CustomField.id).order_by(CustomField.id)))
    listing = client.get(f"/projects/mynumber-card/issues?c[]=subject{fields}&c[]=status",
                         follow_redirects=True).get_data(as_text=True)
    for subject in ("出張申請の拡充", "980か所の訪問", "窓口の改善", "周知・PR強化", "利活用策の検討"):
        assert subject in listing
    assert "住民等との接点、窓口（リアル・バーチャル）" in listing and "人員・人材・時間" in listing
    visit = db.session.scalar(select(Ticket).where(Ticket.subject == "出張申請の拡充"))
    page = client.get(f"/issues/{visit.id}").get_data(as_text=True)
    assert "980か所の訪問" in page and "分類" in page and "制約" in page
    assert "<mark>出張</mark>申請の拡充" in client.get("/search?q=出張").get_data(as_text=True)


def test_every_ticket_page_answers_on_the_demo(client, db, login):
    from tracker.accounts.models import User

    load_demo()
    visit = db.session.scalar(select(Ticket).where(Ticket.subject == "出張申請の拡充"))
    child = visit.children[0]
    login(db.session.scalar(select(User).where(User.login == "izumi")), password="wg-demo-2026")
    for path in ("/issues", "/issues/new", "/projects/mynumber-card/issues/new", f"/issues/{visit.id}/edit",
                 f"/issues/new?copy_from={child.id}", f"/projects/mynumber-card/issues/new?parent_id={visit.id}&tracker_id=2",
                 "/issues?group_by=assigned_to&c[]=subject&c[]=done_ratio&c[]=spent_hours&sort=assigned_to,due_date:desc",
                 "/issues?f[]=due_date&op[due_date]=<t%2B&v[due_date][]=30&f[]=status_id&op[status_id]=*",
                 "/projects/mynumber-card/issue_settings", "/projects/mynumber-card/time_entries", "/time_entries?user_id=me",
                 "/activity", "/projects/mynumber-card/activity", "/my/page", "/search?q=交付通知&kinds=ticket",
                 f"/issues/bulk_edit?ids={visit.id}&ids={child.id}", "/activity.atom", "/projects/mynumber-card/activity.atom"):
        response = client.get(path, follow_redirects=True)  # the filter form's long URL answers with its short one
        assert response.status_code == 200, (path, response.status_code)
    response = client.get(f"/issues/new?copy_from={child.id}")
    assert child.subject in response.get_data(as_text=True)
