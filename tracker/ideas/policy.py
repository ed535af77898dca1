"""Who sees and does what in the idea box (アイデアボックス).

Every active member of staff sees every post and comment (with or without an owning section). The author
of an anonymous post is shown as 匿名 to everyone except the author and the idea-box moderators, next to
the post, next to their own comments on it, in the history, in the API and as the actor of notifications:
``can(user, "see_author", post_or_comment)`` is that one rule.
"""
from __future__ import annotations


from tracker.core.policy import StaffPolicy, register

from tracker.accounts.models import OrgRole
from tracker.core.org_permissions import register_org_permission
from tracker.core.translation import lazy_gettext as _l

MODERATE_IDEAS = "moderate_ideas"
PROMOTE_IDEAS = "promote_ideas"
register_org_permission(MODERATE_IDEAS, _l("Moderate the idea box and see anonymous authors"), roles=[OrgRole.IDEA_MODERATOR])
register_org_permission(PROMOTE_IDEAS, _l("Turn ideas into WGs or tickets"), roles=[OrgRole.IDEA_MODERATOR, OrgRole.DX_OFFICE])
from tracker.ideas.models import Idea, IdeaComment


@register
class IdeaPolicy(StaffPolicy):
    model = Idea
    actions = frozenset({"view", "edit", "answer", "moderate", "see_author"})

    def can_act(self, user, action: str, obj: Idea) -> bool:
        if action == "edit":
            return obj.editable_by(user)
        if action == "answer":
            return obj.answerable_by(user)
        if action == "moderate":
            return Idea.moderates(user)
        return obj.author_shown_to(user)


@register
class IdeaCommentPolicy(StaffPolicy):
    """A comment is seen with its post. Its author is hidden exactly when they wrote the anonymous post it
    belongs to (otherwise a comment would give the anonymous author away)."""

    model = IdeaComment
    actions = frozenset({"view", "edit", "see_author"})

    def can_act(self, user, action: str, obj: IdeaComment) -> bool:
        if action == "edit":
            return obj.editable_by(user)
        idea = obj.idea
        return obj.author_id != idea.author_id or idea.author_shown_to(user)
