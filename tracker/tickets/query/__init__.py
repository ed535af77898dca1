"""The ticket list's query: its filters, columns, grouping and sort (``ticket_query``), on the shared query
base (``tracker.core.query``). ``TicketQuery.from_params(user, request.args, wg)`` reads Redmine's parameters."""
from tracker.tickets.query.ticket_query import (  # noqa: F401
    COLUMNS, DEFAULT_COLUMNS, GROUPABLE, OPERATORS, PER_PAGE_CHOICES, TicketQuery,
)
