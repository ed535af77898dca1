"""The Kanban board (per WG and across WGs) of the tickets a ticket query selects.

* ``columns`` — what a board can be laid out by: the column fields (status, assignee, milestone, category,
  tracker) and the swimlane fields (WG, assignee, section, priority);
* ``board`` — builds a board for a user: its columns, lanes and cards, and for each card the columns it may be
  dropped in (the workflow and the field rules, computed in a fixed number of queries);
* ``services`` — moving a card (through the ticket service: workflow, ``lock_version``, journal,
  notification) and the WG's WIP limits (journaled in the WG's 履歴);
* ``views`` (the pages and the no-script move form), ``api`` (the JSON the page's script reads and posts).
"""
