"""Ticket pages: the routes live in the *_views modules on one blueprint; here is what the layout shows."""
from __future__ import annotations

from tracker.core.translation import lazy_gettext as _l

from tracker.wg.overview import OverviewPanel
from tracker.core.layout import AdminTab, NavItem, WGTab
from tracker.tickets import links  # noqa: F401  (#123 and @login in Markdown)
# Importing the page modules registers their routes on the one blueprint.
from tracker.tickets.admin import views as _admin_views  # noqa: F401
from tracker.tickets.timelog import views as _time_views  # noqa: F401
from tracker.tickets.web import (  # noqa: F401
    activity_views, inline_views, issue_views, list_views, part_views, search_views, thumbnail_views,
)
from tracker.tickets.blueprint import bp

blueprints = [bp]
nav_items = [
    NavItem("tickets.my_page", _l("My page"), order=10, section="/my/page"),
    NavItem("tickets.index", _l("Tickets"), order=30, section="/issues"),
    NavItem("tickets.activity", _l("Activity"), order=40, section="/activity"),
    NavItem("tickets.time_entries", _l("Spent time"), order=45, section="/time_entries"),
    NavItem("tickets.search", _l("Search"), order=80, section="/search"),
]
wg_tabs = [
    WGTab("issues", _l("Tickets"), "tickets.project_index", order=20,
          visible=lambda wg, user: wg.allows(user, "view_issues")),
    WGTab("new_issue", _l("New ticket"), "tickets.new", order=21, visible=lambda wg, user: wg.allows(user, "add_issues")),
    WGTab("activity", _l("Activity"), "tickets.project_activity", order=25, visible=lambda wg, user: wg.allows(user, "view_issues")),
    WGTab("time_entries", _l("Spent time"), "tickets.project_time_entries", order=30,
          visible=lambda wg, user: wg.allows(user, "view_time_entries")),
    WGTab("issue_settings", _l("Ticket settings"), "tickets.wg_settings", order=92,
          visible=lambda wg, user: wg.allows(user, "manage_categories")),
]
admin_tabs = [
    AdminTab("trackers", _l("Trackers"), "tickets.admin_trackers", order=30, description=_l("Ticket kinds and their default status")),
    AdminTab("statuses", _l("Ticket statuses"), "tickets.admin_statuses", order=31, description=_l("Ticket statuses, open or closed")),
    AdminTab("workflow", _l("Workflow"), "tickets.admin_workflow", order=32, description=_l("Which status changes each role may make")),
    AdminTab("enumerations", _l("Priorities and activities"), "tickets.admin_enumerations", order=33, description=_l("Ticket priorities and time-tracking activities")),
    AdminTab("custom_fields", _l("Custom fields"), "tickets.admin_custom_fields", order=34, description=_l("Extra fields on tickets")),
]


def _tickets_panel(wg, user):
    from tracker.tickets.overview import ticket_counts

    return ticket_counts(wg, user)


def _activity_panel(wg, user):
    from tracker.tickets.activity import activity

    if not wg.allows(user, "view_issues"):
        return None
    return {"items": activity(user, wg=wg, limit=8)}


overview_panels = [
    OverviewPanel("tickets", "tickets/_overview_counts.html", _tickets_panel, order=10),
    OverviewPanel("activity", "tickets/_overview_activity.html", _activity_panel, order=40),
]
