"""The Redmine-compatible REST API at Redmine's own paths (``/issues.json``, ``/projects.json`` ...), so that
existing Redmine clients and scripts work against WG Tracker. WGs appear as projects, tickets as issues."""
from __future__ import annotations

from tracker.redmine import (  # noqa: F401  (routes)
    accounts_api, issues, journals_api, project_items_api, projects_api, relations_api, resources, search_api,
    time_entries, uploads,
)
from tracker.redmine.common import bp

blueprints = [bp]
