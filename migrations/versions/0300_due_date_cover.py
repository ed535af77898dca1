"""ix_tickets_due_date widened to cover a count by due date: (due_date, status_id, wg_id, is_private, author_id,
assigned_to_id, estimated_hours). The 期限切れ and 今週が期日 lists and the WG home's overdue count are filtered by
due date, which the maintained counters (ticket_counts) cannot answer; with these columns their count and
estimated-hours total read the index only, instead of every matching ticket's row. ANALYZE (every table) gives
SQLite's planner the new index's statistics, and those of the small tables it otherwise takes for large ones (it
read 100,000 tickets to find the Gantt chart's four relations).

Revision ID: 0300_due_date_cover
Revises: 0290_page_indexes
Create Date: 2026-12-03 14:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0300_due_date_cover'
down_revision = '0290_page_indexes'
branch_labels = None
depends_on = None

COVERED = ['due_date', 'status_id', 'wg_id', 'is_private', 'author_id', 'assigned_to_id', 'estimated_hours']


def upgrade():
    op.drop_index('ix_tickets_due_date', table_name='tickets')
    op.create_index('ix_tickets_due_date', 'tickets', COVERED)
    op.execute("ANALYZE")


def downgrade():
    op.drop_index('ix_tickets_due_date', table_name='tickets')
    op.create_index('ix_tickets_due_date', 'tickets', ['due_date'])
