"""Ticket fields: which a user may change (``rules``, one table for the web form and the REST API, like
Redmine's safe_attributes), how plain input becomes values (``values``), custom fields and the status
workflow."""
