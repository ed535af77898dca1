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
    listing = client.get("/projects/mynumber-card/issues?c[]=subject&c[]=cf_1&c[]=cf_2&c[]=status").get_data(as_text=True)
    for subject in ("出張申請の拡充", "980か所の訪問", "窓口の改善", "周知・PR強化", "利活用策の検討"):
        assert subject in listing
    assert "住民等との接点、窓口（リアル・バーチャル）" in listing and "人員・人材・時間" in listing
    visit = db.session.scalar(select(Ticket).where(Ticket.subject == "出張申請の拡充"))
    page = client.get(f"/issues/{visit.id}").get_data(as_text=True)
    assert "980か所の訪問" in page and "分類" in page and "制約" in page
    assert "<mark>出張</mark>申請の拡充" in client.get("/search?q=出張").get_data(as_text=True)
