"""Tickets: Redmine's issues for WG work.

For the REST API and the Redmine importer, the names follow Redmine's with these differences:

* a ticket's WG is ``wg_id`` (Redmine's ``project_id``); ``created_at`` / ``updated_at`` are ``created_on`` /
  ``updated_on``; the assignee is ``assigned_to_id`` (a user) or ``assigned_section_id`` (a section, where
  Redmine would use a group), never both;
* journal details use ``property`` attr / cf / attachment / relation with ``prop_key`` = the column name
  (``wg_id`` for a move), the custom field id, the attachment id or the relation type;
* relations are stored one way round (duplicates, blocks, precedes, copied_to), as Redmine does;
* priorities and time entry activities share ``enumerations`` (``type`` IssuePriority / TimeEntryActivity).

Where things are (read in this order):

* ``models`` — the tables; ``policy`` / ``permissions`` — who may see and do what;
* ``services`` — create, update (journaled, optimistic locking), copy, bulk update, delete, watchers;
* ``history`` — how a change is journaled: the one recorder (``tracker.core.history``) writes Redmine's
  journal + details and the audit row; ``journals`` reads them, ``notes`` edits a note afterwards;
* ``fields/`` — ``rules`` (which fields a user may change: one table for the web form and the API),
  ``values`` (plain input set field by field), ``customfields``, ``workflow``;
* ``relations/`` — ``graph`` (relates, blocks, precedes ... with rescheduling) and ``rollup`` (subtasks);
* ``timelog/`` — time entries (``services``) and their pages (``views``);
* ``query/`` — the ticket list's query (``definitions``, ``ticket_query``) on the shared ``tracker.core.query``;
* ``admin/`` — the vocabulary: trackers, statuses, workflow, priorities and activities, custom fields;
* ``web/`` — the pages (``issue_views``, ``part_views``, ``list_views``, ``activity_views``, ``search_views``),
  their ``forms`` and ``presenters``; ``views`` registers them and the navigation;
* ``attachments``, ``search``, ``activity`` — the tickets' use of the shared storage, search and activity
  providers in ``tracker.core``; ``exports``, ``feeds``, ``links`` (``#123`` in Markdown), ``demo``.

Change tickets only through ``services`` (create_ticket, update_ticket with ``lock_version``, copy_ticket,
bulk_update, delete_ticket, set_watching), ``relations`` (add_relation, remove_relation) and ``timelog``
(log_time); read lists through ``query.TicketQuery.from_params(user, request.args, wg)``, which reads the
same parameters as Redmine's /issues.json (status_id, assigned_to_id=me, sort=priority:desc, offset/limit ...).
"""
