"""Tickets: Redmine's issues for WG work.

For the REST API and the Redmine importer, the names follow Redmine's with these differences:

* a ticket's WG is ``wg_id`` (Redmine's ``project_id``); ``created_at`` / ``updated_at`` are ``created_on`` /
  ``updated_on``; the assignee is ``assigned_to_id`` (a user) or ``assigned_section_id`` (a section, where
  Redmine would use a group), never both;
* journal details use ``property`` attr / cf / attachment / relation with ``prop_key`` = the column name
  (``wg_id`` for a move), the custom field id, the attachment id or the relation type;
* relations are stored one way round (duplicates, blocks, precedes, copied_to), as Redmine does;
* priorities and time entry activities share ``enumerations`` (``type`` IssuePriority / TimeEntryActivity).

Change tickets only through ``services`` (create_ticket, update_ticket with ``lock_version``, copy_ticket,
bulk_update, delete_ticket, set_watching), ``relations`` (add_relation, remove_relation) and ``timelog``
(log_time); read lists through ``queries.TicketQuery.from_params(user, request.args, wg)``, which reads the
same parameters as Redmine's /issues.json (status_id, assigned_to_id=me, sort=priority:desc, offset/limit ...).
"""
