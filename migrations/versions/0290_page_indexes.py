"""Pages at 100,000 tickets: indexes that let the demo's pages read the few rows they show instead of every row.

* ``ix_tickets_wg_updated`` (wg_id, updated_at) and ``ix_tickets_wg_due`` (wg_id, due_date, status_id): a meeting's
  agenda suggestions (a WG's tickets updated since the last meeting, its overdue ones; 20 of each). Without them
  the database walked the whole organisation's tickets by update time (2 s at 100,000 tickets). With status_id,
  the portfolio's overdue count per WG is read from the index alone (it read every overdue ticket's row).
* ``ix_tickets_created_at``: the activity page's newest tickets (it sorted every visible ticket).
* ``ix_time_entries_spent_on_id`` (spent_on, id) and ``ix_time_entries_wg_spent_on`` (wg_id, spent_on, id): the
  spent time list, newest first, 50 at a time, organisation-wide and per WG (it sorted every entry).

ANALYZE gives SQLite's planner the statistics to choose them (it has none for a new index until then).

Revision ID: 0290_page_indexes
Revises: 0270_scale_indexes
Create Date: 2026-12-03 14:15:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0290_page_indexes'
down_revision = '0270_scale_indexes'
branch_labels = None
depends_on = None

INDEXES = [
    ('ix_tickets_wg_updated', 'tickets', ['wg_id', 'updated_at']),
    ('ix_tickets_wg_due', 'tickets', ['wg_id', 'due_date', 'status_id']),
    ('ix_tickets_created_at', 'tickets', ['created_at']),
    ('ix_time_entries_spent_on_id', 'time_entries', ['spent_on', 'id']),
    ('ix_time_entries_wg_spent_on', 'time_entries', ['wg_id', 'spent_on', 'id']),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    op.execute("ANALYZE tickets")
    op.execute("ANALYZE time_entries")


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table)
