"""Demo idea box: the seed's proposals and problems, with votes, comments and answers in several states."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from tracker.accounts.models import Department, Section
from tracker.core.audit import AuditEntry
from tracker.core.db import utcnow
from tracker.core.i18n import local_today
from tracker.extensions import db
from tracker.ideas import services
from tracker.ideas.demo_data import DUPLICATE, POSTS, PROMOTED_WG, TICKET_IN_WG
from tracker.ideas.models import Idea, IdeaComment, IdeaVote


def _section(ctx, name: str) -> Section:
    sections = ctx.shared["sections"]
    if name not in sections:  # 広報広聴課 (public relations), the section the seed's LINE proposal goes to
        department = db.session.scalar(select(Department).order_by(Department.position))
        section = db.session.scalar(select(Section).where(Section.name == name))
        if section is None:
            section = Section(department=department, name=name, position=len(department.sections))
            db.session.add(section)
            db.session.flush()
        sections[name] = section
    return sections[name]


def _votes(idea: Idea, users: dict, count: int, age_days: int) -> None:
    voters = [u for u in users.values() if u.id != idea.author_id][:count]
    for voter in voters:
        services.vote(idea, voter)
    # spread the votes over the post's life, so that "trending" differs from "popular"
    now = utcnow()
    for n, row in enumerate(db.session.scalars(select(IdeaVote).where(IdeaVote.idea_id == idea.id).order_by(IdeaVote.id))):
        row.created_at = now - timedelta(days=age_days * (n + 1) / (len(voters) + 1))


def _backdate(idea: Idea, age_days: int) -> None:
    """Spread the post's comments and history over its life (the demo builds them all today). History entries
    are append-only for the application; the demo, building the past, moves their time with one UPDATE each."""
    entries = list(db.session.scalars(
        select(AuditEntry).where(AuditEntry.object_type == "idea", AuditEntry.object_id == idea.id)))
    rows = sorted([*entries, *db.session.scalars(select(IdeaComment).where(IdeaComment.idea_id == idea.id))],
                  key=lambda r: (r.created_at, isinstance(r, AuditEntry)))
    start = utcnow() - timedelta(days=age_days)
    when = {}
    for n, row in enumerate(rows):
        moment = start + timedelta(days=age_days * n / (len(rows) + 1))
        if isinstance(row, IdeaComment):
            row.created_at = row.updated_at = moment
        else:
            when[row.id] = moment
    comments = {row.id: row for row in rows if isinstance(row, IdeaComment)}
    for entry in entries:
        fields = {change[0]: change[2] for change in entry.changes or []}
        if "comment" in fields:
            when[entry.id] = comments[int(fields["comment"])].created_at
        if "answer" in fields:
            idea.answered_at = when[entry.id]
    for entry_id, moment in when.items():
        db.session.execute(update(AuditEntry).where(AuditEntry.id == entry_id).values(created_at=moment)
                           .execution_options(synchronize_session=False))
    for entry in entries:
        db.session.expire(entry)


def load(ctx) -> None:
    users = ctx.shared["users"]
    moderator = users["dx"]
    today = local_today()
    posted = {}
    for (title, kind, category, section_name, author, anonymous, body, state, answer, answerer, due, votes,
         comments, age) in POSTS:
        existing = db.session.scalar(select(Idea).where(Idea.title == title))
        if existing is not None:
            posted[title] = existing
            continue
        section = _section(ctx, section_name)
        idea = services.create_idea(users[author], kind=kind, title=title, body=body, category=category,
                                    section_id=section.id, anonymous=anonymous)
        idea.created_at = utcnow() - timedelta(days=age)
        _votes(idea, users, votes, age)
        for login, text in comments:
            services.add_comment(idea, users[login], text)
        if state != "new":
            services.assign(idea, moderator, section_id=section.id, due=today + timedelta(days=max(due or 0, 0)))
            if due is not None and due < 0:
                idea.answer_due = today + timedelta(days=due)
        if answer:
            services.answer(idea, users[answerer], state="accepted" if state == "done" else state, text=answer)
        if state == "done":
            services.mark_done(idea, users[answerer], "アイデアボックスの運用を開始しました。")
        _backdate(idea, age)
        posted[title] = idea
    db.session.flush()

    title, kind, category, section_name, author, anonymous, body, votes = DUPLICATE
    if db.session.scalar(select(Idea).where(Idea.title == title)) is None:
        duplicate = services.create_idea(users[author], kind=kind, title=title, body=body, category=category,
                                         section_id=_section(ctx, section_name).id, anonymous=anonymous)
        voters = [u for u in list(users.values())[10:10 + votes + 1] if u.id != duplicate.author_id][:votes]  # some voted for both
        for voter in voters:
            services.vote(duplicate, voter)
        services.merge(duplicate, posted[POSTS[0][0]], moderator)

    identifier, name = PROMOTED_WG
    promoted = posted[POSTS[3][0]]
    if promoted.wg_id is None and ctx.shared.get("wgs", {}).get(identifier) is None:
        wg = services.promote_to_wg(promoted, moderator, identifier=identifier, name=name)
        ctx.shared.setdefault("wgs", {})[identifier] = wg
    ticketed = posted[POSTS[1][0]]
    target = ctx.shared.get("wgs", {}).get(TICKET_IN_WG)
    if ticketed.ticket_id is None and target is not None:
        services.promote_to_ticket(ticketed, users["admin"], wg=target)
    db.session.flush()
    ctx.shared["ideas"] = posted
    ctx.logins.append(("suzuki", "交通政策課 主事 (idea-box author: 公式LINE)"))
