"""Several people save the same ticket at the same moment, each request in its own transaction, through the
Redmine API (PUT /issues/N.json) and through the edit form. On PostgreSQL the UPDATEs race: the loser's
``WHERE lock_version = …`` matches no row once the winner commits. That must answer 422 (API, as Redmine)
or 409 with the conflict screen (HTML), never 500; and every save that succeeded raised lock_version by
exactly one and wrote exactly one journal."""
from __future__ import annotations

import re
import threading
from collections import Counter

from sqlalchemy import func, select

from tests.conftest import TEST_PASSWORD
from tests.factories import Factories
from tests.live import separate_database


def _app(database_url, tmp_path, url, options):
    from tracker import create_app

    engine_options = options if url.startswith("sqlite") else {"pool_size": 20, **options}
    return create_app("test", SQLALCHEMY_DATABASE_URI=url, SQLALCHEMY_ENGINE_OPTIONS=engine_options,
                      RATELIMIT_ENABLED=False, UPLOAD_DIR=str(tmp_path / "uploads"))


def _setup(app, writers: int):
    from flask_migrate import upgrade

    from tracker.accounts.services import issue_api_key
    from tracker.extensions import db
    from tracker.tickets import services
    from tracker.tickets.models import Tracker

    with app.app_context():
        upgrade()
        make = Factories(db)
        people = [make.user(login=f"writer{n}", password=TEST_PASSWORD) for n in range(writers)]
        wg = make.wg(members={p: "メンバー" for p in people}, identifier="busy-wg")
        keys = [issue_api_key(p) for p in people]
        tracker_id = db.session.scalar(select(Tracker.id).order_by(Tracker.position, Tracker.id).limit(1))
        ticket = services.create_ticket(people[0], wg, {"subject": "皆で直すチケット", "tracker_id": tracker_id,
                                                        "description": "一行目\n二行目"})
        db.session.commit()
        ticket_id = ticket.id
        form = {"tracker_id": str(ticket.tracker_id), "status_id": str(ticket.status_id),
                "priority_id": str(ticket.priority_id), "done_ratio": "0"}
        db.session.remove()
    return ticket_id, keys, form


def _final_state(app, ticket_id):
    from tracker.extensions import db
    from tracker.tickets.models import Journal, Ticket

    with app.app_context():
        ticket = db.session.get(Ticket, ticket_id)
        journals = db.session.scalar(select(func.count()).select_from(Journal).where(Journal.ticket_id == ticket_id))
        state = ticket.lock_version, journals
        db.session.remove()
        db.engine.dispose()
    return state


def _run(threads):
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)


def test_concurrent_api_updates_answer_422_never_500(database_url, tmp_path):
    writers, rounds = 6, 4
    with separate_database(database_url, tmp_path) as (url, options):
        app = _app(database_url, tmp_path, url, options)
        ticket_id, keys, _form = _setup(app, writers)
        statuses: list[int] = []
        bodies: list[str] = []
        barrier = threading.Barrier(writers)

        def put(n):
            client = app.test_client()
            for round_ in range(rounds):
                barrier.wait(timeout=30)
                response = client.put(f"/issues/{ticket_id}.json", headers={"X-Redmine-API-Key": keys[n]},
                                      json={"issue": {"notes": f"メモ {n}-{round_}", "done_ratio": (n * 10 + round_) % 100}})
                statuses.append(response.status_code)
                if response.status_code != 204:
                    bodies.append(response.get_json(silent=True) or response.get_data(as_text=True)[:300])

        _run([threading.Thread(target=put, args=(n,)) for n in range(writers)])
        lock_version, journals = _final_state(app, ticket_id)

    counted = Counter(statuses)
    assert len(statuses) == writers * rounds
    assert set(counted) <= {204, 422}, (counted, bodies)
    assert counted[204] >= rounds  # at least one writer wins each round
    stale = "編集中に他の人がこのチケットを更新しました"  # the stale message (StaleTicketError), not another error
    assert all(isinstance(body, dict) and stale in body["errors"][0] for body in bodies), bodies
    # One journal and one lock_version increment per successful save (the creation left lock_version at 1).
    assert journals == counted[204]
    assert lock_version == 1 + counted[204]


def _csrf_and_version(page: str) -> tuple[str, str]:
    csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    version = re.search(r'name="lock_version"[^>]*value="(\d+)"', page).group(1)
    return csrf, version


def test_concurrent_form_saves_answer_409_never_500(database_url, tmp_path):
    writers, rounds = 4, 3
    with separate_database(database_url, tmp_path) as (url, options):
        app = _app(database_url, tmp_path, url, options)
        ticket_id, _keys, form = _setup(app, writers)
        statuses: list[int] = []
        conflict_screens = []
        barrier = threading.Barrier(writers)

        def save(n):
            client = app.test_client()
            page = client.get("/login").get_data(as_text=True)
            csrf = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            client.post("/login", data={"login": f"writer{n}", "password": TEST_PASSWORD, "csrf_token": csrf})
            for round_ in range(rounds):
                form_page = client.get(f"/issues/{ticket_id}/edit").get_data(as_text=True)
                csrf, version = _csrf_and_version(form_page)
                barrier.wait(timeout=30)  # everyone opened the form on the same version, then all save at once
                response = client.post(f"/issues/{ticket_id}/edit", data={
                    **form, "csrf_token": csrf, "lock_version": version, "notes": f"メモ {n}-{round_}",
                    "done_ratio": str((n + round_) % 10 * 10 + 10),  # a field change as well as the notes
                    "subject": "皆で直すチケット", "description": "一行目\r\n二行目",  # as a browser sends it
                })
                statuses.append(response.status_code)
                if response.status_code == 409:
                    conflict_screens.append('class="panel conflict"' in response.get_data(as_text=True))

        _run([threading.Thread(target=save, args=(n,)) for n in range(writers)])
        lock_version, journals = _final_state(app, ticket_id)

    counted = Counter(statuses)
    assert len(statuses) == writers * rounds
    assert set(counted) <= {302, 409}, counted
    assert counted[302] == rounds  # each round: one save wins, the others saw the form's version go stale
    assert all(conflict_screens)
    assert journals == counted[302]
    assert lock_version == 1 + counted[302]
