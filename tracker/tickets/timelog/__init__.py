"""Time tracking: time entries on tickets or WGs (``services``) and their pages (``views``).

``from tracker.tickets import timelog`` gives the operations."""
from tracker.tickets.timelog.services import (  # noqa: F401
    activities, delete_time_entry, entries_condition, log_time, spent_hours, summary, totals,
)
