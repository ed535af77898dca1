"""``/api/v1/talent/...``: profiles, skills, search and help requests, with the same visibility rules as the
pages (``presenters.profile_data``)."""
from __future__ import annotations

from datetime import date

from flask import abort, jsonify, request
from tracker.core import policy
from tracker.core.requests import load
from tracker.core.translation import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from tracker.accounts.models import User
from tracker.api.helpers import api_blueprint, api_login_required, created, json_body, json_errors, paging
from tracker.core.services import ServiceError
from tracker.extensions import db
from tracker.talent import queries, services
from tracker.talent.models import Engagement, HelpRequest, Profile, RequestStatus, Skill
from tracker.talent.presenters import jsonable, profile_data
from tracker.wg.models import WorkingGroup

bp = api_blueprint("talent_api", __name__)
blueprints = [bp]


def _profile_json(profile: Profile) -> dict:
    return jsonable(profile_data(profile, current_user))


def request_json(r: HelpRequest) -> dict:
    wg = r.wg if r.wg is not None and r.wg.visible_to(current_user) else None
    return jsonable({
        "id": r.id, "title": r.title, "description": r.description, "status": r.status.value,
        "requester": {"id": r.requester.id, "name": r.requester.name},
        "section": r.section.name if r.section else None,
        "wg": {"id": wg.id, "identifier": wg.identifier, "name": wg.name} if wg else None,
        "ticket_id": r.ticket_id if services.linked_ticket(r, current_user) is not None else None,
        "time_share": r.time_share, "starts_on": r.starts_on, "ends_on": r.ends_on,
        "needs": [{"skill": n.skill.name, "skill_id": n.skill_id, "min_level": n.min_level, "importance": n.importance} for n in r.needs],
        "helpers": [{"engagement_id": e.id, "user_id": e.user_id, "name": e.user.name, "status": e.status.value,
                     "hours": e.hours, "outcome": e.outcome or None} for e in r.engagements],
    })


@bp.get("/talent/skills")
@api_login_required
def list_skills():
    return jsonify(skills=[{"id": s.id, "name": s.name, "category": s.category, "synonyms": s.synonym_list} for s in queries.skills_list()])


@bp.get("/talent/profiles")
@api_login_required
def list_profiles():
    offset, limit = paging()
    condition = User.active.is_(True)
    total = db.session.scalar(select(func.count()).select_from(Profile).join(User, User.id == Profile.user_id).where(condition))
    ids = db.session.scalars(select(Profile.id).join(User, User.id == Profile.user_id).where(condition)
                             .order_by(User.name_kana, User.id).offset(offset).limit(limit)).all()
    profiles = {p.id: p for p in queries.load_profiles(list(ids))}
    return jsonify(profiles=[_profile_json(profiles[i]) for i in ids], total_count=total, offset=offset, limit=limit)


@bp.get("/talent/profiles/<int:user_id>")
@api_login_required
def show_profile(user_id: int):
    profile = services.displayed_profile(user_id) or abort(404)
    return jsonify(profile=_profile_json(profile))


@bp.get("/talent/search")
@api_login_required
def search():
    offset, limit = paging()
    try:
        criteria = queries.criteria_from(request.args)
    except queries.UnknownSkill as error:
        return json_errors([str(error)], 400)
    total, results = (0, []) if criteria.empty else queries.search(current_user, criteria, offset=offset, limit=limit)
    return jsonify(results=[{"score": round(r.score, 2), "reasons": r.reasons, "profile": _profile_json(r.profile)} for r in results],
                   total_count=total, offset=offset, limit=limit)


@bp.get("/talent/help-requests")
@api_login_required
def list_requests():
    offset, limit = paging()
    condition = policy.visible(HelpRequest, current_user)
    if request.args.get("status") in ("open", "closed"):
        condition = condition & (HelpRequest.status == RequestStatus(request.args["status"]))
    total = db.session.scalar(select(func.count()).select_from(HelpRequest).where(condition))
    rows = db.session.scalars(select(HelpRequest).where(condition).order_by(HelpRequest.id.desc()).offset(offset).limit(limit))
    return jsonify(help_requests=[request_json(r) for r in rows], total_count=total, offset=offset, limit=limit)


@bp.get("/talent/help-requests/<int:request_id>")
@api_login_required
def show_request(request_id: int):
    r = load(HelpRequest, request_id)
    body = request_json(r)
    if policy.can(current_user, "manage", r):
        body["candidates"] = [{"user_id": c.profile.user_id, "name": c.profile.user.name, "fit": c.score, "reasons": c.reasons}
                              for c in queries.candidates(r, current_user)]
    return jsonify(help_request=body)


def _date(value, label: str, problems: list) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(_("%(label)s: “%(value)s” is not a date (YYYY-MM-DD).", label=label, value=value))
        return None


@bp.post("/talent/help-requests")
@api_login_required
def create_request():
    body = json_body()
    problems: list[str] = []
    needs = []
    for need in body.get("needs") or []:
        if not isinstance(need, dict):
            abort(400)
        skill = db.session.get(Skill, need.get("skill_id") or 0) if need.get("skill_id") else services.resolve_skill(str(need.get("skill", "")))
        if skill is None:
            problems.append(_("Unknown skill: %(name)s", name=need.get("skill") or need.get("skill_id")))
            continue
        needs.append((skill, need.get("min_level"), need.get("importance", 2)))
    wg = None
    if body.get("wg"):
        wg = db.session.scalar(select(WorkingGroup).where(WorkingGroup.identifier == str(body["wg"])))
        if wg is None or not wg.visible_to(current_user):
            problems.append(_("Unknown WG: %(wg)s", wg=body["wg"]))
    ticket_id = body.get("ticket_id")
    if ticket_id is not None and (not isinstance(ticket_id, int) or isinstance(ticket_id, bool)):
        problems.append(_("There is no ticket #%(id)s that you can see.", id=ticket_id))
    starts_on = _date(body.get("starts_on"), "starts_on", problems)
    ends_on = _date(body.get("ends_on"), "ends_on", problems)
    if problems:
        return json_errors(problems)
    try:
        r = services.save_request(current_user, None, title=str(body.get("title") or ""), description=str(body.get("description") or ""),
                                  time_share=body.get("time_share"), starts_on=starts_on, ends_on=ends_on, needs=needs, wg=wg,
                                  ticket_id=ticket_id)
    except ServiceError as error:
        db.session.rollback()
        return json_errors(error)
    db.session.commit()
    return created({"help_request": request_json(r)}, f"/api/v1/talent/help-requests/{r.id}")


def _change(change):
    """Run a service call; 422 with the messages when refused, else commit."""
    try:
        change()
    except ServiceError as error:
        db.session.rollback()
        return json_errors(error)
    db.session.commit()
    return None


def _load_request(request_id: int) -> HelpRequest:
    return load(HelpRequest, request_id)


@bp.post("/talent/help-requests/<int:request_id>/apply")
@api_login_required
def apply(request_id: int):
    r = _load_request(request_id)
    body = request.get_json(silent=True) or {}
    return _change(lambda: services.apply(r, current_user, str(body.get("message") or ""))) or jsonify(help_request=request_json(r))


@bp.post("/talent/help-requests/<int:request_id>/invite")
@api_login_required
def invite(request_id: int):
    r = _load_request(request_id)
    body = json_body()
    user = db.session.get(User, body.get("user_id")) if isinstance(body.get("user_id"), int) else None
    if user is None or not user.active:
        return json_errors([_("Unknown user.")])
    return _change(lambda: services.invite(r, user, current_user, str(body.get("message") or ""))) or jsonify(help_request=request_json(r))


@bp.post("/talent/engagements/<int:engagement_id>/<any(accept, decline, approve, reject, complete):action>")
@api_login_required
def engagement_action(engagement_id: int, action: str):
    engagement = db.session.get(Engagement, engagement_id)
    if engagement is None or not engagement.request.visible_to(current_user):
        abort(404)
    body = request.get_json(silent=True) or {}
    if action in ("accept", "decline"):
        change = lambda: services.answer_invitation(engagement, current_user, action == "accept")  # noqa: E731
    elif action in ("approve", "reject"):
        change = lambda: services.decide(engagement, current_user, action == "approve")  # noqa: E731
    else:
        hours = body.get("hours") if isinstance(body.get("hours"), int) and not isinstance(body.get("hours"), bool) else None
        change = lambda: services.complete(engagement, current_user, hours, str(body.get("outcome") or ""))  # noqa: E731
    return _change(change) or jsonify(help_request=request_json(engagement.request))


def _list(name: str, ref: str) -> dict:
    return {"type": "object", "properties": {name: {"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}},
                                             "total_count": {"type": "integer"}, "offset": {"type": "integer"}, "limit": {"type": "integer"}}}


def _ok(description: str, schema: dict) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


_PAGING = [
    {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
]
_UNAUTH = {"401": {"$ref": "#/components/responses/Unauthorized"}}

OPENAPI_SCHEMAS = {
    "TalentSkill": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"}, "category": {"type": "string"},
                                                     "synonyms": {"type": "array", "items": {"type": "string"}}}},
    "TalentProfile": {
        "type": "object",
        "description": "Name, section and job title always; each other part only when the caller may see it "
                       "(the owner chooses everyone / HR only / only me). visible_parts lists the parts present.",
        "properties": {
            "user_id": {"type": "integer"}, "name": {"type": "string"}, "section": {"type": ["string", "null"]},
            "department": {"type": ["string", "null"]}, "job_title": {"type": ["string", "null"]},
            "staff_number": {"type": ["string", "null"], "description": "only for the person and HR"},
            "visible_parts": {"type": "array", "items": {"type": "string", "enum": ["skills", "certifications", "career", "achievements", "availability"]}},
            "skills": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "level": {"type": "integer", "minimum": 1, "maximum": 5},
                                                                             "can_help": {"type": "boolean"}, "want_to_learn": {"type": "boolean"}}}},
            "certifications": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "acquired_on": {"type": ["string", "null"], "format": "date"}}}},
            "career": {"type": "array", "items": {"type": "object", "properties": {"section": {"type": "string"}, "started_on": {"type": "string", "format": "date"},
                                                                             "ended_on": {"type": ["string", "null"], "format": "date"}}}},
            "achievements": {"type": "string"},
            "contributions": {"type": "array", "items": {"type": "object", "properties": {"title": {"type": "string"}, "hours": {"type": "integer"}, "outcome": {"type": "string"}}}},
            "availability": {"type": "object", "properties": {"willing_to_help": {"type": "boolean"}, "time_share": {"type": "integer"},
                                                              "available_until": {"type": ["string", "null"], "format": "date"}}},
        },
    },
    "HelpRequest": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "description": {"type": "string"}, "status": {"type": "string", "enum": ["open", "closed"]},
            "section": {"type": ["string", "null"]}, "time_share": {"type": "integer"}, "starts_on": {"type": "string", "format": "date"},
            "ends_on": {"type": ["string", "null"], "format": "date"},
            "wg": {"type": ["object", "null"]},
            "ticket_id": {"type": ["integer", "null"], "description": "the linked ticket, when the caller may see it"},
            "needs": {"type": "array", "items": {"type": "object", "properties": {"skill": {"type": "string"}, "min_level": {"type": "integer"}, "importance": {"type": "integer", "enum": [1, 2, 3]}}}},
        },
    },
}
OPENAPI_PATHS = {
    "/talent/skills": {"get": {"summary": "The skill taxonomy", "responses": {"200": _ok("Skills", {"type": "object", "properties": {"skills": {"type": "array", "items": {"$ref": "#/components/schemas/TalentSkill"}}}}), **_UNAUTH}}},
    "/talent/profiles": {"get": {"summary": "Talent-bank profiles, each with the parts the caller may see", "parameters": _PAGING,
                                 "responses": {"200": _ok("A page of profiles", _list("profiles", "TalentProfile")), **_UNAUTH}}},
    "/talent/profiles/{user_id}": {"get": {"summary": "One profile (the parts the caller may see)",
                                           "parameters": [{"name": "user_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                                           "responses": {"200": _ok("The profile", {"type": "object", "properties": {"profile": {"$ref": "#/components/schemas/TalentProfile"}}}),
                                                         "404": {"$ref": "#/components/responses/NotFound"}, **_UNAUTH}}},
    "/talent/search": {"get": {
        "summary": "Search people by skill and minimum level, certification, past section, availability and free text; ranked, with reasons",
        "parameters": [
            {"name": "skill", "in": "query", "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True,
             "description": "skill name or synonym with minimum level, e.g. データ分析:3 (repeatable)"},
            {"name": "certification", "in": "query", "schema": {"type": "string"}},
            {"name": "past_section", "in": "query", "schema": {"type": "string"}},
            {"name": "available", "in": "query", "schema": {"type": "boolean"}},
            {"name": "min_share", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 100}},
            {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "free text (Japanese-aware)"},
            *_PAGING,
        ],
        "responses": {"200": _ok("Ranked results", {"type": "object", "properties": {"results": {"type": "array", "items": {"type": "object", "properties": {
            "score": {"type": "number"}, "reasons": {"type": "array", "items": {"type": "string"}}, "profile": {"$ref": "#/components/schemas/TalentProfile"}}}},
            "total_count": {"type": "integer"}}}), "400": {"description": "Unknown skill"}, **_UNAUTH},
    }},
    "/talent/help-requests": {
        "get": {"summary": "Help requests (応援依頼)", "parameters": [{"name": "status", "in": "query", "schema": {"type": "string", "enum": ["open", "closed"]}}, *_PAGING],
                "responses": {"200": _ok("A page of help requests", _list("help_requests", "HelpRequest")), **_UNAUTH}},
        "post": {"summary": "Post a help request",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["title", "time_share", "starts_on", "needs"], "properties": {
                     "title": {"type": "string"}, "description": {"type": "string"}, "time_share": {"type": "integer", "minimum": 1, "maximum": 100},
                     "starts_on": {"type": "string", "format": "date"}, "ends_on": {"type": "string", "format": "date"},
                     "wg": {"type": "string", "description": "identifier of a WG whose members the caller manages"},
                     "ticket_id": {"type": "integer", "description": "a ticket the caller can see (when tickets are installed)"},
                     "needs": {"type": "array", "items": {"type": "object", "properties": {"skill": {"type": "string"}, "min_level": {"type": "integer"}, "importance": {"type": "integer"}}}}}}}}},
                 "responses": {"201": _ok("Created", {"type": "object", "properties": {"help_request": {"$ref": "#/components/schemas/HelpRequest"}}}),
                               "422": {"$ref": "#/components/responses/Invalid"}, **_UNAUTH}},
    },
    "/talent/help-requests/{request_id}/apply": {"post": {
        "summary": "Offer to help; the caller's section chief is asked to approve",
        "parameters": [{"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"message": {"type": "string"}}}}}},
        "responses": {"200": _ok("The help request", {"type": "object", "properties": {"help_request": {"$ref": "#/components/schemas/HelpRequest"}}}),
                      "422": {"$ref": "#/components/responses/Invalid"}, "404": {"$ref": "#/components/responses/NotFound"}, **_UNAUTH}}},
    "/talent/help-requests/{request_id}/invite": {"post": {
        "summary": "Invite someone (requester or HR)",
        "parameters": [{"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object", "required": ["user_id"], "properties": {
            "user_id": {"type": "integer"}, "message": {"type": "string"}}}}}},
        "responses": {"200": _ok("The help request", {"type": "object", "properties": {"help_request": {"$ref": "#/components/schemas/HelpRequest"}}}),
                      "422": {"$ref": "#/components/responses/Invalid"}, "404": {"$ref": "#/components/responses/NotFound"}, **_UNAUTH}}},
    "/talent/engagements/{engagement_id}/{action}": {"post": {
        "summary": "accept / decline (the invited person), approve / reject (the helper's section chief), "
                   "complete with hours and outcome (requester or HR)",
        "parameters": [{"name": "engagement_id", "in": "path", "required": True, "schema": {"type": "integer"}},
                       {"name": "action", "in": "path", "required": True, "schema": {"type": "string", "enum": ["accept", "decline", "approve", "reject", "complete"]}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
            "hours": {"type": "integer", "minimum": 0}, "outcome": {"type": "string"}}}}}},
        "responses": {"200": _ok("The help request", {"type": "object", "properties": {"help_request": {"$ref": "#/components/schemas/HelpRequest"}}}),
                      "422": {"$ref": "#/components/responses/Invalid"}, "404": {"$ref": "#/components/responses/NotFound"}, **_UNAUTH}}},
    "/talent/help-requests/{request_id}": {"get": {"summary": "One help request; candidates when the caller manages it",
                                                   "parameters": [{"name": "request_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
                                                   "responses": {"200": _ok("The help request", {"type": "object", "properties": {"help_request": {"$ref": "#/components/schemas/HelpRequest"}}}),
                                                                 "404": {"$ref": "#/components/responses/NotFound"}, **_UNAUTH}}},
}
