"""Issue categories (show, update, delete), versions (delete) and saved queries (``/queries.json``) at
Redmine's paths. Categories and versions are managed with ``manage_categories``, as the create endpoints."""
from __future__ import annotations

from flask import request
from sqlalchemy import func, select

from tracker.core.requests import perform_api
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import (
    body, bp, forbidden, get_or_404, jsonify, no_content, not_found, page, paging, user,
)
from tracker.redmine.resources import _visible_version
from tracker.tickets.admin import services as admin_services
from tracker.tickets.models import IssueCategory, SavedQuery
from tracker.wg.models import WorkingGroup


def _visible_category(category_id: int) -> IssueCategory:
    category = get_or_404(IssueCategory, category_id)
    category.wg = db.session.get(WorkingGroup, category.wg_id)  # (a plain attribute: the model has no relationship)
    if not category.wg.allows(user(), "view_issues"):
        not_found()
    return category


def category_json(category: IssueCategory) -> dict:
    return {"id": category.id, "project": serialize.project_ref(category.wg), "name": category.name}


@bp.get("/issue_categories/<int:category_id>.json")
def category_show(category_id: int):
    return jsonify(issue_category=category_json(_visible_category(category_id)))


@bp.route("/issue_categories/<int:category_id>.json", methods=["PUT", "PATCH"])
def category_update(category_id: int):
    category = _visible_category(category_id)
    if not category.wg.allows(user(), "manage_categories"):
        forbidden()
    data = body("issue_category")
    perform_api(lambda: admin_services.save_category(category.wg, category, data.get("name", category.name) or ""))
    return no_content()


@bp.delete("/issue_categories/<int:category_id>.json")
def category_delete(category_id: int):
    category = _visible_category(category_id)
    if not category.wg.allows(user(), "manage_categories"):
        forbidden()
    raw = request.args.get("reassign_to_id", "")
    reassign_to = db.session.get(IssueCategory, int(raw)) if raw.isdigit() else None
    perform_api(lambda: admin_services.delete_category(category, reassign_to))
    return no_content()


@bp.delete("/versions/<int:version_id>.json")
def version_delete(version_id: int):
    version = _visible_version(version_id)
    if not version.wg.allows(user(), "manage_categories"):
        forbidden()
    perform_api(lambda: admin_services.delete_version(version))
    return no_content()


@bp.get("/queries.json")
def queries_index():
    """The saved ticket lists the user may see (app/views/queries/index.api.rsb)."""
    offset, limit = paging()
    condition = SavedQuery.visible(user())
    total = db.session.scalar(select(func.count(SavedQuery.id)).where(condition))
    saved = db.session.scalars(select(SavedQuery).where(condition).order_by(SavedQuery.name, SavedQuery.id)
                               .offset(offset).limit(limit))
    items = [{"id": q.id, "name": q.name, "is_public": q.visibility == "public", "project_id": q.wg_id} for q in saved]
    return page(items, "queries", total, offset, limit)
