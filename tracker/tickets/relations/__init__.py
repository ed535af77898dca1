"""Structure between tickets: relations (``graph``) and subtasks with their roll-up (``rollup``).

``from tracker.tickets import relations`` gives both, as one namespace."""
from tracker.tickets.relations.graph import (  # noqa: F401
    INVERSE, ORDERED, RELATION_LABELS, REVERSE, add_relation, relations_of, remove_relation, reschedule_followers,
    visible_relations_of,
)
from tracker.tickets.relations.rollup import ancestors, check_parent, descendant_ids, rollup  # noqa: F401
