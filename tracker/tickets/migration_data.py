"""Default trackers, statuses, priorities, time activities and workflows, written by migration 0010 with
plain table constructs (so the migration keeps working when the models change)."""
from __future__ import annotations

import sqlalchemy as sa

TRACKERS = ["タスク", "課題", "問い合わせ", "進捗報告"]
# name, is_closed, default done ratio
STATUSES = [("新規", False, None), ("進行中", False, None), ("フィードバック", False, None),
            ("解決", False, None), ("終了", True, 100), ("却下", True, None)]
# The ticket permissions (tracker.tickets.permissions) granted to the default roles, as of this migration.
_ALL = ["view_issues", "add_issues", "edit_issues", "add_issue_notes", "delete_issues", "view_private_issues",
        "view_private_notes", "set_notes_private", "manage_issue_relations", "add_issue_watchers", "view_time_entries",
        "log_time", "manage_categories", "save_queries", "manage_public_queries"]
DEFAULT_GRANTS = {
    "WG責任者": _ALL,
    "メンバー": [p for p in _ALL if p not in ("delete_issues", "manage_categories", "manage_public_queries")],
    "オブザーバー": ["view_issues", "add_issue_notes", "view_time_entries", "save_queries"],
}
PRIORITIES = ["低", "通常", "高", "急いで", "今すぐ"]
ACTIVITIES = ["会議・打合せ", "調査・検討", "資料作成", "調整・連絡", "実施"]

_trackers = sa.table("trackers", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("position", sa.Integer),
                     sa.column("default_status_id", sa.Integer), sa.column("is_in_roadmap", sa.Boolean))
_statuses = sa.table("issue_statuses", sa.column("id", sa.Integer), sa.column("name", sa.String), sa.column("is_closed", sa.Boolean),
                     sa.column("position", sa.Integer), sa.column("default_done_ratio", sa.Integer))
_enumerations = sa.table("enumerations", sa.column("id", sa.Integer), sa.column("type", sa.String), sa.column("name", sa.String),
                         sa.column("position", sa.Integer), sa.column("is_default", sa.Boolean), sa.column("active", sa.Boolean))
_roles = sa.table("roles", sa.column("id", sa.Integer), sa.column("name", sa.String))
_workflows = sa.table("workflows", sa.column("role_id", sa.Integer), sa.column("tracker_id", sa.Integer),
                      sa.column("old_status_id", sa.Integer), sa.column("new_status_id", sa.Integer))


def insert_defaults(bind) -> None:
    for position, (name, closed, ratio) in enumerate(STATUSES, 1):
        bind.execute(_statuses.insert().values(name=name, is_closed=closed, position=position, default_done_ratio=ratio))
    status_ids = [row.id for row in bind.execute(sa.select(_statuses.c.id).order_by(_statuses.c.position))]
    for position, name in enumerate(TRACKERS, 1):
        bind.execute(_trackers.insert().values(name=name, position=position, default_status_id=status_ids[0], is_in_roadmap=True))
    for position, name in enumerate(PRIORITIES, 1):
        bind.execute(_enumerations.insert().values(type="IssuePriority", name=name, position=position,
                                                   is_default=(name == "通常"), active=True))
    for position, name in enumerate(ACTIVITIES, 1):
        bind.execute(_enumerations.insert().values(type="TimeEntryActivity", name=name, position=position,
                                                   is_default=(position == 1), active=True))
    # WG leaders and members may make every transition; observers none (they comment).
    tracker_ids = [row.id for row in bind.execute(sa.select(_trackers.c.id))]
    roles = [row.id for row in bind.execute(sa.select(_roles.c.id).where(_roles.c.name.in_(["WG責任者", "メンバー"])))]
    rows = [
        {"role_id": r, "tracker_id": t, "old_status_id": a, "new_status_id": b}
        for r in roles for t in tracker_ids for a in status_ids for b in status_ids if a != b
    ]
    if rows:
        bind.execute(_workflows.insert(), rows)
