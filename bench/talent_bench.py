"""Talent-bank search speed with 10,000 profiles (issue 6: a skill search answers in under 100 ms median).

    .venv/bin/python bench/talent_bench.py                       # SQLite in a temporary file
    .venv/bin/python bench/talent_bench.py postgresql+psycopg://postgres@127.0.0.1:5432/wgt_talent_bench

Builds the schema with the migrations, loads 10,000 staff with 1–5 skills, certifications, career history
and search documents, then times each query as the search page runs it (count + first page of 50 with
reasons) and prints the median and 95th percentile.
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa  # noqa: E402

PROFILES = 10_000
RUNS = 30


def main() -> None:
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{tempfile.mkdtemp()}/talent-bench.db"
    from flask_migrate import upgrade

    from tracker import create_app
    from tracker.extensions import db

    engine = sa.create_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, SERVER_NAME="localhost")
    with app.app_context(), app.test_request_context():
        upgrade()
        started = time.perf_counter()
        viewer, skills = load(db)
        print(f"database: {db.engine.dialect.name}; loaded {PROFILES} profiles in {time.perf_counter() - started:.1f} s")
        run(db, viewer, skills)


def load(db):
    from tracker.accounts.models import Department, OrgRole, Section, User
    from tracker.core.models import SearchDocument
    from tracker.core.textsearch import bigrams
    from tracker.talent import services
    from tracker.talent.demo_data import CERTIFICATIONS, SKILLS
    from tracker.talent.models import CareerEntry, Certification, Profile, ProfileSkill

    rng = random.Random(6)
    skills = [services.save_skill(None, name=n, category=c, synonyms=s) for c, n, s in SKILLS]
    department = Department(name="総務部")
    sections = [Section(department=department, name=f"第{i}課") for i in range(200)]
    db.session.add_all([department, *sections])
    viewer = User(login="hr", name="人事 担当", email="hr@example.lg.jp")
    viewer.set_org_roles([OrgRole.HR])
    db.session.add(viewer)
    db.session.flush()
    section_ids = [s.id for s in sections]
    db.session.execute(sa.insert(User), [
        {"login": f"u{i}", "name": f"職員 {i}", "name_kana": f"しょくいん {i}", "email": f"u{i}@example.lg.jp", "section_id": rng.choice(section_ids),
         "job_title": "主事", "active": True, "is_admin": False, "failed_logins": 0}
        for i in range(PROFILES)
    ])
    user_ids = db.session.scalars(sa.select(User.id).where(User.login.like("u%")).order_by(User.id)).all()
    visibilities = ["everyone"] * 7 + ["hr", "only_me"]
    db.session.execute(sa.insert(Profile), [
        {"user_id": uid, "staff_number": f"B{uid:06d}", "achievements": f"{rng.choice(['窓口', '税務', '福祉', '統計', '広報'])}業務の改善 {uid}",
         "willing_to_help": rng.random() < 0.5, "time_share": rng.choice([0, 5, 10, 20]),
         "available_until": date(2027, 3, 31) if rng.random() < 0.8 else date(2025, 3, 31),
         **{f"{part}_visibility": rng.choice(visibilities) for part in ("skills", "certifications", "career", "achievements", "availability")}}
        for uid in user_ids
    ])
    profiles = db.session.execute(sa.select(Profile.id, Profile.user_id)).all()
    skill_rows, cert_rows, career_rows, docs = [], [], [], []
    for pid, uid in profiles:
        chosen = rng.sample(skills, rng.randint(1, 5))
        skill_rows += [{"profile_id": pid, "skill_id": s.id, "level": rng.randint(1, 5), "can_help": rng.random() < 0.4, "want_to_learn": False} for s in chosen]
        certs = rng.sample(CERTIFICATIONS, rng.randint(0, 2))
        cert_rows += [{"profile_id": pid, "name": c} for c in certs]
        career = [f"第{rng.randint(0, 199)}課" for _ in range(rng.randint(1, 3))]
        career_rows += [{"profile_id": pid, "section_name": s, "description": "", "started_on": date(2010 + i * 4, 4, 1), "ended_on": date(2014 + i * 4, 3, 31)}
                        for i, s in enumerate(career)]
        texts = {"talent.skills": " ".join(s.name for s in chosen), "talent.certifications": " ".join(certs), "talent.career": " ".join(career),
                 "talent.basic": f"職員 {uid}"}
        docs += [{"kind": kind, "object_id": pid, "title": f"職員 {uid}", "body": body, "grams": " ".join(bigrams(body)), "updated_at": sa.func.now()}
                 for kind, body in texts.items()]
    db.session.execute(sa.insert(ProfileSkill), skill_rows)
    db.session.execute(sa.insert(Certification), cert_rows)
    db.session.execute(sa.insert(CareerEntry), career_rows)
    for chunk in range(0, len(docs), 5000):
        db.session.execute(sa.insert(SearchDocument), [{k: v for k, v in d.items() if k != "updated_at"} for d in docs[chunk:chunk + 5000]])
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return viewer, {s.name: s for s in skills}


def run(db, viewer, skills) -> None:
    from tracker.talent.queries import Criteria, search

    cases = {
        "one skill, level ≥ 3": Criteria(skills=[(skills["データ分析"], 3)]),
        "two skills, levels ≥ 3 and ≥ 2": Criteria(skills=[(skills["データ分析"], 3), (skills["統計"], 2)]),
        "skill ≥ 4 + available now": Criteria(skills=[(skills["RPA"], 4)], available=True),
        "skill ≥ 2 + certification + past section": Criteria(skills=[(skills["広報"], 2)], certification="パスポート", past_section="第1"),
        "free text 統計": Criteria(text="統計"),
    }
    print(f"{'query':42} {'matches':>8} {'median ms':>10} {'p95 ms':>8}")
    for label, criteria in cases.items():
        times = []
        for _ in range(RUNS):
            db.session.expire_all()
            started = time.perf_counter()
            total, results = search(viewer, criteria, limit=50, everything=False)  # as the search page
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        print(f"{label:42} {total:>8} {statistics.median(times):>10.1f} {times[int(len(times) * 0.95) - 1]:>8.1f}")


if __name__ == "__main__":
    main()
