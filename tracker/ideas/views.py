"""The idea box pages: list (ranked, filtered, searched), post, show with votes, comments, answers,
merge and promotion, the overdue list, the vote audit and the XLSX export."""
from __future__ import annotations

from tracker.core.org_permissions import has_org_permission
from tracker.ideas.policy import PROMOTE_IDEAS
from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from tracker.core import attachments, policy
from tracker.core.requests import authorize, load, redirect_to
from tracker.core.translation import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select

from tracker.core.exports import send
from tracker.core.i18n import local_today
from tracker.core.layout import NavItem
from tracker.core.services import commit_or_flash
from tracker.extensions import db
from tracker.ideas import queries, services, wg_link
from tracker.ideas import similar as similar_posts
from tracker.ideas.exports import IDEA_LIST, ideas_workbook
from tracker.ideas.forms import (
    AnswerForm,
    AssignForm,
    CommentForm,
    DoneForm,
    IdeaForm,
    MergeForm,
    PromoteTicketForm,
    PromoteWGForm,
)
from tracker.ideas.models import CATEGORIES, KINDS, STATES, Idea, IdeaAttachment, IdeaComment, IdeaVoteAudit

bp = Blueprint("ideas", __name__)
blueprints = [bp]
nav_items = [NavItem("ideas.index", _l("Idea box"), order=60, section="/ideas")]
SORT_LABELS = {
    "popular": _l("Popular"), "trending": _l("Trending"), "newest": _l("Newest"),
    "discussed": _l("Most discussed"), "unanswered": _l("Unanswered"),
}
PER_PAGE = 25
def load_idea(idea_id: int) -> Idea:
    return load(Idea, idea_id)  # 404 unless the idea policy lets the user see it


@bp.get("/ideas")
@login_required
def index():
    filters = queries.Filters.from_args(request.args)
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    ideas, total = queries.listing(current_user, filters, offset=(page - 1) * PER_PAGE, limit=PER_PAGE)
    voted = services.voted_ids(current_user, [idea.id for idea in ideas])
    return render_template(
        "ideas/index.html", ideas=ideas, total=total, filters=filters, page=page, per_page=PER_PAGE, voted=voted,
        back=request.full_path.rstrip("?"),
        sorts=SORT_LABELS, kinds=KINDS, states=STATES, categories=CATEGORIES,
        sections=IdeaForm().section_id.choices[1:], highlight=queries.textsearch.highlight,
    )


@bp.get("/ideas/export.xlsx")
@login_required
def export():
    filters = queries.Filters.from_args(request.args)
    ideas, _total = queries.listing(current_user, filters, limit=None)
    stream = ideas_workbook(ideas, current_user)
    return send(IDEA_LIST, stream.getvalue(), rows=len(ideas), filename=f"ideas-{local_today().isoformat()}.xlsx")


def _save_attachments(idea: Idea, form: IdeaForm) -> None:
    for storage in request.files.getlist(form.attachments.name):
        services.add_attachment(idea, current_user, storage)


@bp.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new():
    """Post an idea or a problem. Before it is saved the similar posts are shown (a step that needs no script:
    the first 公開 or 似た投稿を確認 answers with them, the next 公開 saves); a post with the same title as
    an existing one is saved only when the author ticks that it is not a duplicate."""
    form = IdeaForm()
    if request.method == "GET" and request.args.get("kind") in KINDS:
        form.kind.data = request.args["kind"]
    similar, duplicates = [], []
    if request.method == "POST" and (form.title.data or "").strip():
        similar = similar_posts.similar_ideas(current_user, form.title.data, form.body.data or "")
        duplicates = similar_posts.duplicates(similar, form.title.data) or similar_posts.visible_same_title(current_user, form.title.data)
    checking = request.form.get("action") == "check"
    reviewed = request.form.get("reviewed_similar") == "1"
    confirmed = request.form.get("confirm_duplicate") == "1"
    if not checking and form.validate_on_submit():
        if duplicates and not confirmed:
            flash(_("A post with the same title already exists. Tick the box below if yours is a different one."), "error")
        elif similar and not reviewed:
            flash(_("Similar posts exist. Check them first: vote for one of them, or publish yours."), "info")
        else:
            def change():
                idea = services.create_idea(
                    current_user, kind=form.kind.data, title=form.title.data, body=form.body.data,
                    category=form.category.data, section_id=form.section_id.data or None, anonymous=form.anonymous.data,
                )
                _save_attachments(idea, form)
                return idea

            idea = commit_or_flash(change, _("Your post was published."))
            if idea:
                return redirect(url_for(".show", idea_id=idea.id))
    return render_template("ideas/form.html", form=form, idea=None, similar=similar, duplicates=duplicates,
                           checked=request.method == "POST", confirmed=confirmed,
                           had_attachments=any(f.filename for f in request.files.getlist(form.attachments.name)))


@bp.get("/ideas/similar")
@login_required
def similar():
    """The similar posts for a title being typed, as an HTML fragment for the new-post form's script."""
    title = (request.args.get("title") or "").strip()[:200]
    found = similar_posts.similar_ideas(current_user, title) if len(title) >= 2 else []
    return render_template("ideas/_similar.html", similar=found, duplicates=similar_posts.duplicates(found, title),
                           checked=bool(title), fragment=True)


@bp.route("/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(idea_id: int):
    idea = load_idea(idea_id)
    if not policy.can(current_user, "edit", idea):
        abort(403)
    form = IdeaForm(obj=idea)
    if request.method == "GET":
        form.section_id.data = idea.section_id or 0
    if form.validate_on_submit():
        def change():
            services.update_idea(
                idea, current_user, kind=form.kind.data, title=form.title.data, body=form.body.data,
                category=form.category.data, section_id=form.section_id.data or None, anonymous=form.anonymous.data,
            )
            _save_attachments(idea, form)

        if commit_or_flash(change, _("The post was saved.")):
            return redirect(url_for(".show", idea_id=idea.id))
    return render_template("ideas/form.html", form=form, idea=idea)


def _forms(idea: Idea, **given) -> dict:
    forms = {
        "comment_form": CommentForm(formdata=None),
        "assign_form": AssignForm(formdata=None, section_id=idea.section_id or 0, answer_due=idea.answer_due),
        "answer_form": AnswerForm(formdata=None, state=idea.state if idea.state in STATES else None, answer=idea.answer),
        "done_form": DoneForm(formdata=None),
        "merge_form": MergeForm(formdata=None),
        "promote_form": PromoteWGForm(formdata=None, name=idea.title, identifier=f"idea-{idea.id}"),
        "ticket_form": PromoteTicketForm(current_user, formdata=None),
    }
    forms.update(given)
    return forms


def _render_show(idea: Idea, status: int = 200, **given):
    merged = queries.merged_posts(idea)
    return render_template(
        "ideas/show.html", idea=idea, voted=services.has_voted(idea, current_user),
        threads=queries.comments_for(idea), merged=[(m, queries.comments_for(m)) for m in merged],
        moderator=policy.can(current_user, "moderate", idea), answerable=policy.can(current_user, "answer", idea),
        can_promote=has_org_permission(current_user, PROMOTE_IDEAS), today=local_today(),
        wg_status=wg_link.wg_status(idea.wg, local_today()) if idea.wg else {},
        **_forms(idea, **given),
    ), status


@bp.get("/ideas/<int:idea_id>")
@login_required
def show(idea_id: int):
    return _render_show(load_idea(idea_id))


def _back(idea: Idea, anchor: str = ""):
    """To the post, or to the list it was voted from (``back``, a path on this site)."""
    return redirect_to(request.form.get("back"), url_for(".show", idea_id=idea.id) + anchor)


@bp.post("/ideas/<int:idea_id>/vote")
@login_required
def vote(idea_id: int):
    idea = load_idea(idea_id)
    if request.form.get("action") == "unvote":
        commit_or_flash(lambda: services.unvote(idea, current_user), _("Your vote was taken back."))
    else:
        commit_or_flash(lambda: services.vote(idea, current_user), _("Thank you for your vote."))
    return _back(idea)


@bp.post("/ideas/<int:idea_id>/comments")
@login_required
def comment(idea_id: int):
    idea = load_idea(idea_id)
    form = CommentForm()
    if form.validate_on_submit():
        parent = int(form.parent_id.data) if (form.parent_id.data or "").isdigit() else None
        created = commit_or_flash(lambda: services.add_comment(idea, current_user, form.body.data, parent), _("Your comment was added."))
        if created:
            return _back(idea, f"#comment-{created.id}")
    return _render_show(idea, 422, comment_form=form)


@bp.route("/ideas/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@login_required
def edit_comment(comment_id: int):
    comment = load(IdeaComment, comment_id)
    idea = load_idea(comment.idea_id)
    authorize("edit", comment)
    form = CommentForm(obj=comment)
    if form.validate_on_submit():
        if commit_or_flash(lambda: services.update_comment(comment, current_user, form.body.data), _("The comment was saved.")):
            return _back(idea, f"#comment-{comment.id}")
    return render_template("ideas/comment_form.html", form=form, idea=idea, comment=comment)


def _form_action(idea_id: int, form_class, form_name: str, change, success, may=None, refusal=None):
    """The actions on the post page: load the post, check ``may`` (403, with ``refusal`` shown), validate
    the form, run ``change(idea, form)`` and go back to the post, or show the post again with the form
    as typed and the messages."""
    idea = load_idea(idea_id)
    form = form_class()
    if may is not None and not may(idea):
        if refusal is None:
            abort(403)
        flash(refusal, "error")
        return _render_show(idea, 403, **{form_name: form})
    if form.validate_on_submit() and commit_or_flash(lambda: change(idea, form), success):
        return _back(idea)
    return _render_show(idea, 422, **{form_name: form})


@bp.post("/ideas/<int:idea_id>/assign")
@login_required
def assign(idea_id: int):
    return _form_action(
        idea_id, AssignForm, "assign_form",
        lambda idea, form: services.assign(idea, current_user, section_id=form.section_id.data, due=form.answer_due.data),
        _("The post was sent to the section."), may=lambda idea: policy.can(current_user, "moderate", idea),
    )


@bp.post("/ideas/<int:idea_id>/answer")
@login_required
def answer(idea_id: int):
    return _form_action(
        idea_id, AnswerForm, "answer_form",
        lambda idea, form: services.answer(idea, current_user, state=form.state.data, text=form.answer.data),
        _("The answer was published."), may=lambda idea: policy.can(current_user, "answer", idea),
        refusal=_("Only staff of the section that owns the process can answer."),
    )


@bp.post("/ideas/<int:idea_id>/done")
@login_required
def done(idea_id: int):
    return _form_action(idea_id, DoneForm, "done_form", lambda idea, form: services.mark_done(idea, current_user, form.note.data),
                        _("The post was marked as implemented."))


@bp.post("/ideas/<int:idea_id>/merge")
@login_required
def merge(idea_id: int):
    return _form_action(
        idea_id, MergeForm, "merge_form",
        lambda idea, form: services.merge(idea, db.session.get(Idea, form.original_id.data), current_user),
        _("The post was merged."), may=lambda idea: policy.can(current_user, "moderate", idea),
    )


@bp.post("/ideas/<int:idea_id>/promote")
@login_required
def promote(idea_id: int):
    return _form_action(
        idea_id, PromoteWGForm, "promote_form",
        lambda idea, form: services.promote_to_wg(idea, current_user, identifier=form.identifier.data, name=form.name.data),
        _("A new WG was started from this idea."),
    )


@bp.post("/ideas/<int:idea_id>/promote-ticket")
@login_required
def promote_ticket(idea_id: int):
    from tracker.wg.models import WorkingGroup

    return _form_action(
        idea_id, lambda: PromoteTicketForm(current_user), "ticket_form",
        lambda idea, form: services.promote_to_ticket(idea, current_user, wg=db.session.get(WorkingGroup, form.wg_id.data or 0),
                                                      tracker_id=form.tracker_id.data),
        _("A ticket was made from this idea."),
    )


@bp.get("/ideas/<int:idea_id>/votes")
@login_required
def vote_audit(idea_id: int):
    idea = load_idea(idea_id)
    authorize("moderate", idea)
    rows = db.session.scalars(select(IdeaVoteAudit).where(IdeaVoteAudit.idea_id == idea.id).order_by(IdeaVoteAudit.id))
    return render_template("ideas/vote_audit.html", idea=idea, rows=list(rows))


@bp.get("/ideas/overdue")
@login_required
def overdue():
    today = local_today()
    return render_template("ideas/overdue.html", groups=queries.overdue_by_section(current_user, today), today=today)


@bp.get("/ideas/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    item = db.session.get(IdeaAttachment, attachment_id) or abort(404)
    load_idea(item.idea_id)
    return attachments.send_download(attachments.stored_path("ideas", item.stored_name), item.filename)
