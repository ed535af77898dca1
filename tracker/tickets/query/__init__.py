"""The ticket list's query, on the shared query base (``tracker.core.query``): what it offers (filters,
columns, groupings, sort keys: ``definitions``) and its SQL (``ticket_query``).
``TicketQuery.from_params(user, request.args, wg)`` reads Redmine's parameters."""
from tracker.core.query import OPERATORS  # noqa: F401
from tracker.tickets.query.definitions import COLUMNS, DEFAULT_COLUMNS, GROUPABLE, PER_PAGE_CHOICES  # noqa: F401
from tracker.tickets.query.ticket_query import TicketQuery  # noqa: F401
from tracker.tickets.query import counts  # noqa: F401,E402  (the ticket_counts model)
