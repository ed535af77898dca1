from sqlalchemy import func, select

from tracker.core.seeding import load_demo
from tracker.ideas.models import Idea


def test_demo_loads_twice_with_seed_proposals_in_several_states(app, db):
    load_demo()
    count = db.session.scalar(select(func.count()).select_from(Idea))
    load_demo()
    assert db.session.scalar(select(func.count()).select_from(Idea)) == count
    ideas = list(db.session.scalars(select(Idea)))
    titles = " ".join(i.title for i in ideas)
    for word in ("公式LINE", "デジタルワークプレイス", "人材バンク", "補助金データベース"):
        assert word in titles
    states = {i.state for i in ideas}
    assert {"new", "reviewing", "accepted", "partly", "rejected", "returned", "done"} <= states
    assert any(i.kind == "problem" for i in ideas) and any(i.merged_into_id for i in ideas) and any(i.wg_id for i in ideas) and any(i.ticket_id for i in ideas)
    assert sum(i.vote_count for i in ideas) > 50
