"""What an idea-box post's history records: its fields, its state and official answer, merges, promotion, and
the comments and attachments added to it (a comment stays a record of its own; the history says that one was
added, and keeps a comment's earlier text when its author edits it).

Field names are those of the old journal (``idea_journals``), so entries copied from it by migration 0160 read
the same as new ones. The author of an anonymous post stays anonymous here too: ``can(viewer, "see_author")``.
"""
from datetime import date

from tracker.core import history
from tracker.core.translation import gettext as _, lazy_gettext as _l, lazy_pgettext as _lp
from tracker.ideas.models import CATEGORIES, KINDS, STATES, Idea


def _numbered(value) -> str:
    return f"#{value}"


def _comment(comment_id) -> str:
    """The comment's number and the start of its text, as the history names the comment that was added."""
    from tracker.extensions import db
    from tracker.ideas.models import IdeaComment

    comment = db.session.get(IdeaComment, int(comment_id)) if str(comment_id).isdigit() else None
    if comment is None:
        return f"#{comment_id}"
    text = " ".join(comment.body.split())
    return f"#{comment.id} {text[:40]}{'…' if len(text) > 40 else ''}"


def _section_name(section_id) -> str:
    from tracker.accounts.models import Section
    from tracker.extensions import db

    section = db.session.get(Section, int(section_id)) if str(section_id).isdigit() else None
    return section.name if section is not None else str(section_id)


def _wg_name(wg_id) -> str:
    # the old journal wrote the WG's identifier; the recorder writes its id
    from tracker.extensions import db
    from tracker.wg.models import WorkingGroup

    wg = db.session.get(WorkingGroup, wg_id) if isinstance(wg_id, int) else None
    return wg.name if wg is not None else str(wg_id)


def _day(value) -> str:
    from tracker.core.i18n import format_day

    try:
        return format_day(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _actor(idea: Idea, actor_id, viewer) -> str | None:
    from tracker.core.policy import can

    if actor_id is not None and actor_id == idea.author_id and not (viewer is not None and can(viewer, "see_author", idea)):
        return _("Anonymous")
    return None


def _not_a_column(idea):  # comments, merges from other posts and attachments are recorded by their services
    return None


EVENTS = ("comment", "comment_edited", "merged_from", "attachment")

history.journaled(
    Idea, "idea", _l("Idea-box post"),
    {"kind": _l("Kind"), "title": _l("Title"), "body": _l("Details"), "category": _l("Category"),
     "section_id": _lp("idea", "Section"), "anonymous": _l("Anonymous"), "state": _l("State"),
     "answer_due": _l("Answer due"), "answer": _l("Official answer"), "merged_into_id": _l("Merged into"),
     "merged_from": _l("Merged from"), "wg_id": _l("WG"), "ticket_id": _l("Ticket"), "comment": _l("Comment"),
     "comment_edited": _l("Comment edited"), "attachment": _l("Attachments")},
    display={"kind": history.choice(KINDS), "category": history.choice(CATEGORIES), "state": history.choice(STATES),
             "section_id": _section_name, "anonymous": history.yes_no, "answer_due": _day,
             "merged_into_id": _numbered, "merged_from": _numbered, "ticket_id": _numbered, "comment": _comment,
             "wg_id": _wg_name},
    values={name: _not_a_column for name in EVENTS},
    actor=_actor,
)
