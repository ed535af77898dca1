"""Operations that change the idea box: validate, write, journal, index for search, announce events.

Every function raises ``IdeaError`` (a ``ServiceError``) with messages for the user and changes nothing
when the input cannot be accepted; the caller commits.
"""
from __future__ import annotations

from datetime import date

from tracker.core.org_permissions import has_org_permission
from tracker.ideas.policy import PROMOTE_IDEAS
from tracker.core.translation import gettext as _, lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from tracker.accounts.models import Section, User
from tracker.core import events, history, textsearch
from tracker.core.db import utcnow
from tracker.core.events import Event
from tracker.core.i18n import local_today
from tracker.core.mentions import mentioned_users
from tracker.core.policy import can
from tracker.core.services import ServiceError
from tracker.core.text import same_text
from tracker.extensions import db
from tracker.ideas import wg_link
from tracker.ideas.models import (
    ANSWER_STATES,
    CATEGORIES,
    KINDS,
    PROMOTABLE_STATES,
    Idea,
    IdeaComment,
    IdeaVote,
    IdeaVoteAudit,
)

TITLE_MAX = 200


class IdeaError(ServiceError):
    """Idea-box input that cannot be accepted."""


def idea_url(idea: Idea) -> str:
    return f"/ideas/{idea.id}"


# -- search (the history is ``tracker.ideas.history``) ----------------------------------------------

def _index(idea: Idea) -> None:
    textsearch.index_document("idea", idea.id, idea.title, "\n\n".join(p for p in (idea.body, idea.answer) if p))


def _check_post(kind: str, title: str, category: str, section_id) -> list[str]:
    problems = []
    if kind not in KINDS:
        problems.append(_("Choose whether it is an idea or a problem."))
    if not (title or "").strip():
        problems.append(_("The title is required."))
    elif len(title.strip()) > TITLE_MAX:
        problems.append(_("The title may be at most %(max)s characters.", max=TITLE_MAX))
    if category not in CATEGORIES:
        problems.append(_("Choose a category."))
    if section_id is not None and db.session.get(Section, section_id) is None:
        problems.append(_("The section does not exist."))
    return problems


def _staff_only(user) -> None:
    if user is None or not user.is_authenticated or not user.active:
        raise IdeaError(_("Only active staff can do this."))


# -- posts ----------------------------------------------------------------------------------------

def create_idea(author: User, *, kind: str, title: str, body: str = "", category: str = "other",
                section_id: int | None = None, anonymous: bool = False) -> Idea:
    _staff_only(author)
    problems = _check_post(kind, title, category, section_id)
    if problems:
        raise IdeaError(problems)
    idea = Idea(kind=kind, title=title.strip(), body=body or "", category=category, section_id=section_id,
                author_id=author.id, anonymous=bool(anonymous), state="new")
    with history.recording(author, idea):  # a creation: adds and flushes the post
        pass
    _index(idea)
    return idea


def update_idea(idea: Idea, user: User, *, kind: str, title: str, body: str, category: str,
                section_id: int | None, anonymous: bool) -> None:
    if not idea.editable_by(user):
        raise IdeaError(_("A post can be edited only by its author and only until the first vote or answer; add a comment instead."))
    problems = _check_post(kind, title, category, section_id)
    if problems:
        raise IdeaError(problems)
    changes = {"kind": kind, "title": title.strip(), "body": body or "", "category": category,
               "section_id": section_id, "anonymous": bool(anonymous)}
    with history.recording(user, idea):
        for field, value in changes.items():
            if not same_text(getattr(idea, field), value):  # a body stored with CRLF is the same text as LF
                setattr(idea, field, value)
    _index(idea)


# -- votes ----------------------------------------------------------------------------------------

def _locked(idea_id: int) -> Idea:
    """The post, re-read with its row locked (PostgreSQL) so that counts computed after it are exact;
    SQLite serialises writers with BEGIN IMMEDIATE already."""
    idea = db.session.scalar(
        select(Idea).where(Idea.id == idea_id).with_for_update().execution_options(populate_existing=True)
    )
    if idea is None:
        raise IdeaError(_("The post no longer exists."))
    return idea


def _recount_votes(idea: Idea) -> None:
    idea.vote_count = db.session.scalar(
        select(func.count()).select_from(IdeaVote).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id != idea.author_id)
    )


def vote(idea: Idea, user: User) -> None:
    _staff_only(user)
    idea = _locked(idea.id)
    if idea.is_merged:
        raise IdeaError(_("This post was merged into another one; vote there."))
    if not idea.accepts_votes:
        raise IdeaError(_("This post is closed and takes no more votes."))
    if user.id == idea.author_id:
        raise IdeaError(_("Your own vote for your own post does not count."))
    if db.session.scalar(select(IdeaVote.id).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)):
        raise IdeaError(_("You have already voted for this post."))
    try:
        with db.session.begin_nested():
            db.session.add(IdeaVote(idea_id=idea.id, user_id=user.id))
    except IntegrityError:  # the same person voting twice at the same moment
        raise IdeaError(_("You have already voted for this post.")) from None
    db.session.add(IdeaVoteAudit(idea_id=idea.id, user_id=user.id, action="vote"))
    _recount_votes(idea)


def unvote(idea: Idea, user: User) -> None:
    _staff_only(user)
    idea = _locked(idea.id)
    if idea.is_merged:
        raise IdeaError(_("This post was merged into another one; its votes moved there."))
    removed = db.session.execute(delete(IdeaVote).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)).rowcount
    if not removed:
        raise IdeaError(_("You have not voted for this post."))
    db.session.add(IdeaVoteAudit(idea_id=idea.id, user_id=user.id, action="unvote"))
    _recount_votes(idea)


def has_voted(idea: Idea, user) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return db.session.scalar(select(IdeaVote.id).where(IdeaVote.idea_id == idea.id, IdeaVote.user_id == user.id)) is not None


def voted_ids(user, idea_ids: list[int]) -> set[int]:
    """Which of these posts ``user`` has voted for (one query for a whole list page)."""
    if not idea_ids or user is None or not user.is_authenticated:
        return set()
    return set(db.session.scalars(select(IdeaVote.idea_id).where(IdeaVote.user_id == user.id, IdeaVote.idea_id.in_(idea_ids))))


# -- comments -------------------------------------------------------------------------------------

def _mentioned(idea: Idea, body: str, author: User) -> list[User]:
    """The people a comment mentions (one pattern for every feature: tracker.core.mentions) who may see the post."""
    return mentioned_users(body, may_see=lambda user: can(user, "view", idea), exclude=[author.id])


def add_comment(idea: Idea, user: User, body: str, parent_id: int | None = None) -> IdeaComment:
    _staff_only(user)
    if not (body or "").strip():
        raise IdeaError(_("The comment is empty."))
    if idea.is_merged:
        raise IdeaError(_("This post was merged into another one; comment there."))
    parent = None
    if parent_id:
        parent = db.session.get(IdeaComment, parent_id)
        if parent is None or parent.idea_id != idea.id:
            raise IdeaError(_("The comment you reply to does not exist."))
        if parent.parent_id is not None:  # one level: a reply to a reply joins the same thread
            parent = db.session.get(IdeaComment, parent.parent_id)
    comment = IdeaComment(idea_id=idea.id, parent_id=parent.id if parent else None, author_id=user.id, body=body.strip())
    db.session.add(comment)
    db.session.flush()
    idea.comment_count = db.session.scalar(select(func.count()).select_from(IdeaComment).where(IdeaComment.idea_id == idea.id))
    history.record(user, idea, [["comment", None, comment.id]])
    textsearch.index_document("idea_comment", comment.id, idea.title, comment.body)
    mentioned = _mentioned(idea, comment.body, user)
    if mentioned:
        events.emit(Event(
            kind="idea.mentioned", title=_l("%(name)s mentioned you on the idea box: %(title)s", name=idea.name_for(user, None), title=idea.title),
            url=f"{idea_url(idea)}#comment-{comment.id}", actor=user, recipients=mentioned, body=comment.body,
            subject=comment, data={"idea_id": idea.id, "comment_id": comment.id},
        ))
    return comment


def update_comment(comment: IdeaComment, user: User, body: str) -> None:
    if not comment.editable_by(user):
        raise IdeaError(_("Only the author can edit a comment."))
    if not (body or "").strip():
        raise IdeaError(_("The comment is empty."))
    if not same_text(body.strip(), comment.body):
        history.record(user, comment.idea, [["comment_edited", comment.body, body.strip()]])
        comment.body = body.strip()
        textsearch.index_document("idea_comment", comment.id, comment.idea.title, comment.body)


# -- assignment, answers, states ------------------------------------------------------------------

def _state_event(idea: Idea, user: User, kind: str, title, recipients) -> None:
    events.emit(Event(kind=kind, title=title, url=idea_url(idea), actor=user, recipients=recipients,
                      body=idea.answer if kind == "idea.answered" else None,
                      subject=idea, data={"idea_id": idea.id, "state": idea.state}))


def assign(idea: Idea, user: User, *, section_id: int | None, due: date | None) -> None:
    """A moderator sends the post to the section that owns the process, with an answer due date."""
    if not Idea.moderates(user):
        raise IdeaError(_("Only idea-box moderators assign posts to sections."))
    problems = []
    section = db.session.get(Section, section_id) if section_id else None
    if section is None:
        problems.append(_("Choose the section that owns the process."))
    if due is None:
        problems.append(_("Give the date by which the section answers."))
    elif due < local_today():
        problems.append(_("The answer due date cannot be in the past."))
    if idea.is_merged:
        problems.append(_("This post was merged into another one."))
    elif idea.state not in ("new", "reviewing", "returned"):
        problems.append(_("Only new, returned or reviewed posts can be assigned."))
    if problems:
        raise IdeaError(problems)
    with history.recording(user, idea):
        idea.section_id = section.id
        idea.answer_due = due
        idea.state = "reviewing"
    _state_event(idea, user, "idea.state_changed",
                 _l("Your post is now being reviewed by %(section)s: %(title)s", section=section.name, title=idea.title),
                 [idea.author])


def answer(idea: Idea, user: User, *, state: str, text: str) -> None:
    """The owning section publishes its official answer together with the new state."""
    problems = []
    if not idea.answerable_by(user):
        raise IdeaError(_("Only staff of the section that owns the process can answer."))
    if idea.is_merged:
        problems.append(_("This post was merged into another one."))
    elif idea.state not in ("reviewing", *ANSWER_STATES):
        problems.append(_("Answer once a moderator has assigned the post to your section."))
    if state not in ANSWER_STATES:
        problems.append(_("Choose the result of the review."))
    if not (text or "").strip():
        problems.append(_("The answer is required."))
    if problems:
        raise IdeaError(problems)
    with history.recording(user, idea):
        if not same_text(text.strip(), idea.answer or ""):
            idea.answer = text.strip()
        idea.answered_at = utcnow()
        idea.answered_by_id = user.id
        idea.state = state
    _index(idea)
    _state_event(idea, user, "idea.answered",
                 _l("%(section)s answered your post: %(title)s", section=idea.section.name, title=idea.title),
                 [idea.author])


def mark_done(idea: Idea, user: User, note: str = "") -> None:
    """The accepted idea has been carried out (実施済): the author and everyone who voted hear of it."""
    if not (idea.answerable_by(user) or Idea.moderates(user)):
        raise IdeaError(_("Only the owning section or a moderator can mark a post as implemented."))
    if idea.state not in PROMOTABLE_STATES:
        raise IdeaError(_("Only accepted posts can be marked as implemented."))
    with history.recording(user, idea, notes=(note or "").strip()):
        idea.state = "done"
    voters = list(db.session.scalars(select(User).join(IdeaVote, IdeaVote.user_id == User.id).where(IdeaVote.idea_id == idea.id)))
    _state_event(idea, user, "idea.state_changed",
                 _l("An idea you supported has been implemented: %(title)s", title=idea.title), [idea.author, *voters])


# -- duplicates -----------------------------------------------------------------------------------

def merge(duplicate: Idea, original: Idea, user: User) -> None:
    """Merge ``duplicate`` into ``original``: votes move (once per person), comments stay on the
    duplicate and are shown on the original, the duplicate points to the original."""
    if not Idea.moderates(user):
        raise IdeaError(_("Only idea-box moderators merge posts."))
    if original is None:
        raise IdeaError(_("The post to merge into does not exist."))
    if duplicate.id == original.id:
        raise IdeaError(_("A post cannot be merged into itself."))
    first, second = sorted([duplicate.id, original.id])
    locked = {first: _locked(first), second: _locked(second)}
    duplicate, original = locked[duplicate.id], locked[original.id]
    if duplicate.is_merged:
        raise IdeaError(_("This post has already been merged into another one."))
    if original.is_merged:
        raise IdeaError(_("The post to merge into was itself merged elsewhere; merge into its original."))
    already = set(db.session.scalars(select(IdeaVote.user_id).where(IdeaVote.idea_id == original.id)))
    for moving in list(db.session.scalars(select(IdeaVote).where(IdeaVote.idea_id == duplicate.id))):
        db.session.add(IdeaVoteAudit(idea_id=duplicate.id, user_id=moving.user_id, action="moved_out"))
        if moving.user_id in already or moving.user_id == original.author_id:
            db.session.delete(moving)  # voted for both (or is the original's author): counts once
        else:
            moving.idea_id = original.id
            db.session.add(IdeaVoteAudit(idea_id=original.id, user_id=moving.user_id, action="moved_in"))
    db.session.flush()
    db.session.execute(update(Idea).where(Idea.merged_into_id == duplicate.id).values(merged_into_id=original.id))
    with history.recording(user, duplicate):
        duplicate.merged_into_id = original.id
    history.record(user, original, [["merged_from", None, duplicate.id]])
    _recount_votes(duplicate)
    _recount_votes(original)
    db.session.flush()


# -- promotion ------------------------------------------------------------------------------------

def _check_promotable(idea: Idea, user: User) -> None:
    if not has_org_permission(user, PROMOTE_IDEAS):
        raise IdeaError(_("Only idea-box moderators and the DX office promote ideas."))
    if idea.state not in PROMOTABLE_STATES:
        raise IdeaError(_("Only accepted ideas can be promoted."))
    if idea.wg_id or idea.ticket_id:
        raise IdeaError(_("This idea has already been promoted."))


def wg_description(idea: Idea) -> str:
    """The new WG's description, filled from the idea (purpose and origin)."""
    lines = [
        "## " + _("Purpose"), "", idea.title, "", idea.body or "", "",
        "## " + _("Origin"), "",
        _("Idea box post #%(id)s (%(kind)s, %(votes)s votes).", id=idea.id, kind=idea.kind_label, votes=idea.vote_count),
    ]
    if idea.answer:
        lines += ["", "> " + idea.answer.replace("\n", "\n> ")]
    return "\n".join(lines)


def promote_to_ticket(idea: Idea, user: User, *, wg, tracker_id: int | None = None):
    """A ticket in an existing WG, made by the tickets feature's own service (its permission rules apply:
    the user needs "add tickets" in that WG)."""
    from tracker.tickets.models import Tracker
    from tracker.tickets.services import create_ticket

    _check_promotable(idea, user)
    if wg is None:
        raise IdeaError(_("Choose the WG for the ticket."))
    if tracker_id is None:
        tracker_id = db.session.scalar(select(Tracker.id).order_by(Tracker.position, Tracker.id))
    ticket = create_ticket(user, wg, {"tracker_id": tracker_id, "subject": idea.title[:255], "description": wg_description(idea)})
    with history.recording(user, idea):
        idea.ticket_id = ticket.id
        idea.wg_id = wg.id
    return ticket


def promote_to_wg(idea: Idea, user: User, *, identifier: str, name: str):
    from tracker.wg.services import create_wg

    _check_promotable(idea, user)
    wg = create_wg(identifier=identifier, name=name or idea.title, description=wg_description(idea), creator=user)
    wg_link.fill_charter(wg, purpose=idea.title + "\n\n" + (idea.body or ""),
                         origin_note=_("Idea box post #%(id)s", id=idea.id) + " " + idea.title, actor=user)
    with history.recording(user, idea):
        idea.wg_id = wg.id
    return wg


# -- attachments ----------------------------------------------------------------------------------

def add_attachment(idea: Idea, user: User, storage):
    """Store an uploaded file (a werkzeug FileStorage) with the post; the author adds them while editing."""
    from flask import current_app

    from tracker.core import attachments
    from tracker.core.filenames import clean_filename
    from tracker.ideas.models import IdeaAttachment

    if not storage or not storage.filename:
        return None
    if user.id != idea.author_id:
        raise IdeaError(_("Only the author adds attachments."))
    data = storage.read()
    limit = current_app.config["MAX_ATTACHMENT_BYTES"]
    if len(data) > limit:
        raise IdeaError(_("The file %(name)s is larger than %(mb)s MB.", name=storage.filename, mb=limit // (1024 * 1024)))
    _folder, stored = attachments.write(data, "ideas")  # the shared storage (tracker.core.attachments)
    name = clean_filename(storage.filename.replace("/", "_").replace("\\", "_"))  # no control or bidi characters
    attachment = IdeaAttachment(idea_id=idea.id, filename=name[:255], content_type=(storage.mimetype or "application/octet-stream")[:100],
                                size=len(data), stored_name=stored, uploaded_by_id=user.id)
    db.session.add(attachment)
    db.session.flush()
    history.record(user, idea, [["attachment", None, attachment.filename]])
    return attachment


# -- periodic check -------------------------------------------------------------------------------

def report_overdue_answers(today: date | None = None) -> int:
    """Tell the owning section (and the moderators) about posts whose answer is overdue; each due date is
    reported once, so running the check again emits nothing new. Returns the number reported."""
    from tracker.accounts.models import OrgRole, UserOrgRole

    today = today or local_today()
    overdue = db.session.scalars(
        select(Idea).where(Idea.state == "reviewing", Idea.answer_due < today, Idea.merged_into_id.is_(None),
                           (Idea.overdue_reported_for.is_(None)) | (Idea.overdue_reported_for != Idea.answer_due))
    ).all()
    if not overdue:
        return 0
    moderators = list(db.session.scalars(
        select(User).join(UserOrgRole, UserOrgRole.user_id == User.id)
        .where(UserOrgRole.role == OrgRole.IDEA_MODERATOR, User.active.is_(True))
    ))
    for idea in overdue:
        staff = list(db.session.scalars(select(User).where(User.section_id == idea.section_id, User.active.is_(True))))
        events.emit(Event(
            kind="idea.answer_overdue",
            title=_l("The answer to an idea-box post is overdue (due %(due)s): %(title)s", due=idea.answer_due.isoformat(), title=idea.title),
            url=idea_url(idea), recipients=[*staff, *moderators], subject=idea, data={"idea_id": idea.id, "section_id": idea.section_id},
        ))
        idea.overdue_reported_for = idea.answer_due
    return len(overdue)


events.register_periodic_check("ideas.answer_overdue", report_overdue_answers)
