"""``/issues/:id/relations.json`` and ``/relations/:id.json`` through the tickets feature's relation service."""
from __future__ import annotations



from tracker.core import policy
from tracker.extensions import db
from tracker.redmine import serialize
from tracker.redmine.common import created, jsonify, no_content, body, bp, forbidden, not_found, user
from tracker.redmine.issues import _relations, commit, visible_ticket
from tracker.tickets import relations
from tracker.tickets.models import TicketRelation


@bp.get("/issues/<int:ticket_id>/relations.json")
def relations_index(ticket_id: int):
    ticket = visible_ticket(ticket_id)
    return jsonify(relations=_relations(ticket, user()))


@bp.post("/issues/<int:ticket_id>/relations.json")
def relation_create(ticket_id: int):
    me = user()
    ticket = visible_ticket(ticket_id)
    if not policy.can(me, "manage_relations", ticket):
        forbidden()
    data = body("relation")
    relation = commit(lambda: relations.add_relation(
        ticket, me, data.get("relation_type") or "relates", data.get("issue_to_id"), data.get("delay")
    ))
    return created({"relation": serialize.relation(relation)}, f"/relations/{relation.id}.json")


def _visible_relation(relation_id: int) -> TicketRelation:
    me = user()
    relation = db.session.get(TicketRelation, relation_id)
    if relation is None or not policy.can(me, "view", relation):  # TicketRelationPolicy: both tickets visible
        not_found()
    return relation


@bp.get("/relations/<int:relation_id>.json")
def relation_show(relation_id: int):
    return jsonify(relation=serialize.relation(_visible_relation(relation_id)))


@bp.delete("/relations/<int:relation_id>.json")
def relation_delete(relation_id: int):
    me = user()
    relation = _visible_relation(relation_id)
    if not policy.can(me, "manage", relation):
        forbidden()
    commit(lambda: relations.remove_relation(relation, me))
    return no_content()
