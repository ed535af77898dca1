"""``/api/v1/ideas``: posts, votes, comments and official answers of the idea box."""
from __future__ import annotations

from datetime import date

from flask import jsonify, request
from tracker.core import policy
from tracker.core.requests import load
from tracker.core.translation import gettext as _
from flask_login import current_user

from tracker.api.helpers import api_blueprint, api_login_required, created, json_body, json_errors, no_content, paging
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.ideas import queries, services
from tracker.ideas.models import ANSWER_STATES, CATEGORIES, KINDS, STATES, Idea

bp = api_blueprint("ideas_api", __name__)
blueprints = [bp]


def idea_json(idea: Idea) -> dict:
    shown = policy.can(current_user, "see_author", idea)
    return {
        "id": idea.id,
        "kind": idea.kind,
        "title": idea.title,
        "body": idea.body,
        "category": idea.category,
        "section": {"id": idea.section.id, "name": idea.section.name} if idea.section else None,
        "author": {"id": idea.author.id, "name": idea.author.name} if shown else None,
        "anonymous": idea.anonymous,
        "state": idea.state,
        "answer": idea.answer,
        "answer_due": idea.answer_due.isoformat() if idea.answer_due else None,
        "answered_at": idea.answered_at.isoformat() if idea.answered_at else None,
        "vote_count": idea.vote_count,
        "voted": services.has_voted(idea, current_user),
        "comment_count": idea.comment_count,
        "merged_into_id": idea.merged_into_id,
        "wg": {"id": idea.wg.id, "identifier": idea.wg.identifier, "name": idea.wg.name} if idea.wg else None,
        "ticket_id": idea.ticket_id,
        "created_at": idea.created_at.isoformat(),
        "updated_at": idea.updated_at.isoformat(),
    }


def comment_json(comment) -> dict:
    hidden = not policy.can(current_user, "see_author", comment)
    return {"id": comment.id, "parent_id": comment.parent_id, "body": comment.body,
            "author": None if hidden else {"id": comment.author.id, "name": comment.author.name},
            "created_at": comment.created_at.isoformat()}


def _load(idea_id: int) -> Idea:
    return load(Idea, idea_id)


def _apply(change):
    """Run a service call: commit, or roll back and answer 422 with the messages."""
    try:
        result = change()
    except ServiceError as error:
        db.session.rollback()
        return None, json_errors(error)
    db.session.commit()
    return result, None


def _post_fields(data: dict, idea: Idea | None = None) -> dict:
    section_id = data.get("section_id", idea.section_id if idea else None)
    if section_id is not None and not isinstance(section_id, int):
        section_id = -1  # reported as "the section does not exist"
    return {
        "kind": data.get("kind", idea.kind if idea else "idea"),
        "title": str(data.get("title", idea.title if idea else "") or ""),
        "body": str(data.get("body", idea.body if idea else "") or ""),
        "category": data.get("category", idea.category if idea else "other"),
        "section_id": section_id,
        "anonymous": bool(data.get("anonymous", idea.anonymous if idea else False)),
    }


@bp.get("/ideas")
@api_login_required
def list_ideas():
    offset, limit = paging()
    filters = queries.Filters.from_args(request.args)
    ideas, total = queries.listing(current_user, filters, offset=offset, limit=limit)
    return jsonify(ideas=[idea_json(i) for i in ideas], total_count=total, offset=offset, limit=limit)


@bp.post("/ideas")
@api_login_required
def create_idea():
    fields = _post_fields(json_body())
    idea, error = _apply(lambda: services.create_idea(current_user, **fields))
    if error:
        return error
    return created({"idea": idea_json(idea)}, f"/api/v1/ideas/{idea.id}")


@bp.get("/ideas/<int:idea_id>")
@api_login_required
def show_idea(idea_id: int):
    return jsonify(idea=idea_json(_load(idea_id)))


@bp.put("/ideas/<int:idea_id>")
@api_login_required
def update_idea(idea_id: int):
    idea = _load(idea_id)
    if not policy.can(current_user, "edit", idea):
        return json_errors([_("A post can be edited only by its author and only until the first vote or answer; add a comment instead.")], 403)
    fields = _post_fields(json_body(), idea)
    _result, error = _apply(lambda: services.update_idea(idea, current_user, **fields))
    return error or no_content()


@bp.post("/ideas/<int:idea_id>/votes")
@api_login_required
def vote(idea_id: int):
    idea = _load(idea_id)
    _result, error = _apply(lambda: services.vote(idea, current_user))
    if error:
        return error
    return created({"idea": idea_json(idea)}, f"/api/v1/ideas/{idea.id}")


@bp.delete("/ideas/<int:idea_id>/votes")
@api_login_required
def unvote(idea_id: int):
    idea = _load(idea_id)
    _result, error = _apply(lambda: services.unvote(idea, current_user))
    return error or no_content()


@bp.get("/ideas/<int:idea_id>/comments")
@api_login_required
def list_comments(idea_id: int):
    idea = _load(idea_id)
    threads = queries.comments_for(idea)
    return jsonify(comments=[{**comment_json(c), "replies": [comment_json(r) for r in replies]} for c, replies in threads])


@bp.post("/ideas/<int:idea_id>/comments")
@api_login_required
def add_comment(idea_id: int):
    idea = _load(idea_id)
    data = json_body()
    parent = data.get("parent_id") if isinstance(data.get("parent_id"), int) else None
    comment, error = _apply(lambda: services.add_comment(idea, current_user, str(data.get("body") or ""), parent))
    if error:
        return error
    return created({"comment": comment_json(comment)}, f"/api/v1/ideas/{idea.id}/comments")


@bp.post("/ideas/<int:idea_id>/assignment")
@api_login_required
def assign(idea_id: int):
    idea = _load(idea_id)
    if not policy.can(current_user, "moderate", idea):
        return json_errors([_("Only idea-box moderators assign posts to sections.")], 403)
    data = json_body()
    try:
        due = date.fromisoformat(data.get("answer_due") or "")
    except (TypeError, ValueError):
        due = None
    section_id = data.get("section_id") if isinstance(data.get("section_id"), int) else None
    _result, error = _apply(lambda: services.assign(idea, current_user, section_id=section_id, due=due))
    return error or jsonify(idea=idea_json(idea))


@bp.post("/ideas/<int:idea_id>/answer")
@api_login_required
def answer(idea_id: int):
    idea = _load(idea_id)
    if not policy.can(current_user, "answer", idea):
        return json_errors([_("Only staff of the section that owns the process can answer.")], 403)
    data = json_body()
    _result, error = _apply(lambda: services.answer(idea, current_user, state=data.get("state"), text=str(data.get("answer") or "")))
    return error or jsonify(idea=idea_json(idea))


# -- OpenAPI --------------------------------------------------------------------------------------

_REF = {"$ref": "#/components/schemas/Idea"}
_ERR = {"401": {"$ref": "#/components/responses/Unauthorized"}, "404": {"$ref": "#/components/responses/NotFound"},
        "422": {"$ref": "#/components/responses/Invalid"}}
_ID = {"name": "idea_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_USER = {"type": ["object", "null"], "properties": {"id": {"type": "integer"}, "name": {"type": "string"}}}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


OPENAPI_SCHEMAS = {
    "Idea": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(KINDS)},
            "title": {"type": "string"},
            "body": {"type": "string", "description": "Markdown"},
            "category": {"type": "string", "enum": list(CATEGORIES)},
            "section": {"type": ["object", "null"], "description": "The section that owns the process"},
            "author": {**_USER, "description": "null when the author hid their name (moderators still see it)"},
            "anonymous": {"type": "boolean"},
            "state": {"type": "string", "enum": list(STATES)},
            "answer": {"type": ["string", "null"], "description": "The official answer of the owning section"},
            "answer_due": {"type": ["string", "null"], "format": "date"},
            "answered_at": {"type": ["string", "null"], "format": "date-time"},
            "vote_count": {"type": "integer", "description": "Votes that count (the author's never does)"},
            "voted": {"type": "boolean", "description": "Whether the caller voted"},
            "comment_count": {"type": "integer"},
            "merged_into_id": {"type": ["integer", "null"]},
            "wg": {"type": ["object", "null"], "description": "The WG started from the idea (or holding its ticket)"},
            "ticket_id": {"type": ["integer", "null"], "description": "The ticket made from the idea"},
            "created_at": {"type": "string", "format": "date-time"},
            "updated_at": {"type": "string", "format": "date-time"},
        },
    },
    "IdeaInput": {
        "type": "object",
        "required": ["title"],
        "properties": {
            "kind": {"type": "string", "enum": list(KINDS), "default": "idea"},
            "title": {"type": "string", "maxLength": 200},
            "body": {"type": "string"},
            "category": {"type": "string", "enum": list(CATEGORIES), "default": "other"},
            "section_id": {"type": ["integer", "null"]},
            "anonymous": {"type": "boolean", "default": False},
        },
    },
    "IdeaComment": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "parent_id": {"type": ["integer", "null"]}, "body": {"type": "string"},
                       "author": _USER, "created_at": {"type": "string", "format": "date-time"},
                       "replies": {"type": "array", "items": {"$ref": "#/components/schemas/IdeaComment"}}},
    },
}
OPENAPI_PATHS = {
    "/ideas": {
        "get": {
            "summary": "Idea-box posts, ranked and filtered",
            "parameters": [
                {"name": "sort", "in": "query", "schema": {"type": "string", "enum": list(queries.SORTS), "default": "popular"},
                 "description": "trending = votes of the last 30 days / (hours since posting + 2)^1.5"},
                {"name": "kind", "in": "query", "schema": {"type": "string", "enum": list(KINDS)}},
                {"name": "state", "in": "query", "schema": {"type": "string", "enum": list(STATES)}},
                {"name": "category", "in": "query", "schema": {"type": "string", "enum": list(CATEGORIES)}},
                {"name": "section_id", "in": "query", "schema": {"type": "integer"}},
                {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "Japanese-aware search of posts and comments"},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
            ],
            "responses": {"200": {"description": "A page of posts", **_json({"type": "object", "properties": {
                "ideas": {"type": "array", "items": _REF}, "total_count": {"type": "integer"},
                "offset": {"type": "integer"}, "limit": {"type": "integer"}}})},
                "401": {"$ref": "#/components/responses/Unauthorized"}},
        },
        "post": {
            "summary": "Post an idea or a problem",
            "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/IdeaInput"})},
            "responses": {"201": {"description": "Created", **_json({"type": "object", "properties": {"idea": _REF}})}, **_ERR},
        },
    },
    "/ideas/{idea_id}": {
        "get": {"summary": "One post", "parameters": [_ID],
                "responses": {"200": {"description": "The post", **_json({"type": "object", "properties": {"idea": _REF}})}, **_ERR}},
        "put": {"summary": "Edit one's own post (until the first vote or answer)", "parameters": [_ID],
                "requestBody": {"required": True, **_json({"$ref": "#/components/schemas/IdeaInput"})},
                "responses": {"204": {"description": "Saved"}, "403": {"$ref": "#/components/responses/Forbidden"}, **_ERR}},
    },
    "/ideas/{idea_id}/votes": {
        "post": {"summary": "Vote for a post (once per person; not for one's own post; not on closed or merged posts)",
                 "parameters": [_ID],
                 "responses": {"201": {"description": "Voted", **_json({"type": "object", "properties": {"idea": _REF}})}, **_ERR}},
        "delete": {"summary": "Take one's vote back", "parameters": [_ID],
                   "responses": {"204": {"description": "Taken back"}, **_ERR}},
    },
    "/ideas/{idea_id}/comments": {
        "get": {"summary": "Comments, threaded one level", "parameters": [_ID],
                "responses": {"200": {"description": "Comments", **_json({"type": "object", "properties": {
                    "comments": {"type": "array", "items": {"$ref": "#/components/schemas/IdeaComment"}}}})}, **_ERR}},
        "post": {"summary": "Comment (Markdown, @login mentions notify); parent_id replies to a comment", "parameters": [_ID],
                 "requestBody": {"required": True, **_json({"type": "object", "required": ["body"], "properties": {
                     "body": {"type": "string"}, "parent_id": {"type": ["integer", "null"]}}})},
                 "responses": {"201": {"description": "Added", **_json({"type": "object", "properties": {
                     "comment": {"$ref": "#/components/schemas/IdeaComment"}}})}, **_ERR}},
    },
    "/ideas/{idea_id}/assignment": {
        "post": {"summary": "Send a post to the owning section with an answer due date (moderators)", "parameters": [_ID],
                 "requestBody": {"required": True, **_json({"type": "object", "required": ["section_id", "answer_due"], "properties": {
                     "section_id": {"type": "integer"}, "answer_due": {"type": "string", "format": "date"}}})},
                 "responses": {"200": {"description": "Under review", **_json({"type": "object", "properties": {"idea": _REF}})},
                               "403": {"$ref": "#/components/responses/Forbidden"}, **_ERR}},
    },
    "/ideas/{idea_id}/answer": {
        "post": {"summary": "Publish the official answer with the result (staff of the owning section)", "parameters": [_ID],
                 "requestBody": {"required": True, **_json({"type": "object", "required": ["state", "answer"], "properties": {
                     "state": {"type": "string", "enum": list(ANSWER_STATES)}, "answer": {"type": "string"}}})},
                 "responses": {"200": {"description": "Answered", **_json({"type": "object", "properties": {"idea": _REF}})},
                               "403": {"$ref": "#/components/responses/Forbidden"}, **_ERR}},
    },
}
