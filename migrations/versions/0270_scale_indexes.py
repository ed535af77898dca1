"""Ticket lists at scale: maintained ticket counts, indexes for a sort by priority and for private tickets;
users.csv_encoding (the CSV download's encoding in 個人設定).

* ``ticket_counts``: tickets and estimated hours per (WG, status, tracker, private), kept by triggers on
  ``tickets`` (insert, delete, and an update of one of those columns). A list filtered only by these answers its
  exact total (Redmine's ``total_count``) from a few hundred rows instead of counting every matching ticket.
* ``ix_tickets_priority_updated``: (priority_id, updated_at, id), read backwards per priority for Redmine's
  "priority, then last update" sort.
* ``ix_tickets_private_author`` / ``ix_tickets_private_assignee``: partial indexes over private tickets only, for
  the private tickets someone sees as their author or assignee (the one part of a count the counters leave).

Revision ID: 0270_scale_indexes
Revises: 0190_directory_users
Create Date: 2026-12-03 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0270_scale_indexes'
down_revision = '0230_board'
branch_labels = None
depends_on = None

KEY = "wg_id, status_id, tracker_id, is_private"

PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION ticket_counts_apply() RETURNS trigger AS $$
DECLARE
  old_first boolean := false;
BEGIN
  -- An update that moves a ticket between two counters takes their row locks in key order, so two
  -- transactions moving tickets in opposite directions cannot deadlock on them.
  IF TG_OP = 'UPDATE' THEN
    old_first := ROW(OLD.wg_id, OLD.status_id, OLD.tracker_id, OLD.is_private)
               < ROW(NEW.wg_id, NEW.status_id, NEW.tracker_id, NEW.is_private);
  END IF;
  IF TG_OP = 'DELETE' OR old_first THEN
    UPDATE ticket_counts SET tickets = tickets - 1, estimated_hours = estimated_hours - COALESCE(OLD.estimated_hours, 0)
     WHERE (wg_id, status_id, tracker_id, is_private) = (OLD.wg_id, OLD.status_id, OLD.tracker_id, OLD.is_private);
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO ticket_counts ({KEY}, tickets, estimated_hours)
    VALUES (NEW.wg_id, NEW.status_id, NEW.tracker_id, NEW.is_private, 1, COALESCE(NEW.estimated_hours, 0))
    ON CONFLICT ({KEY}) DO UPDATE SET tickets = ticket_counts.tickets + 1,
      estimated_hours = ticket_counts.estimated_hours + EXCLUDED.estimated_hours;
  END IF;
  IF TG_OP = 'UPDATE' AND NOT old_first THEN
    UPDATE ticket_counts SET tickets = tickets - 1, estimated_hours = estimated_hours - COALESCE(OLD.estimated_hours, 0)
     WHERE (wg_id, status_id, tracker_id, is_private) = (OLD.wg_id, OLD.status_id, OLD.tracker_id, OLD.is_private);
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""
CHANGED = ("OLD.wg_id IS DISTINCT FROM NEW.wg_id OR OLD.status_id IS DISTINCT FROM NEW.status_id OR "
           "OLD.tracker_id IS DISTINCT FROM NEW.tracker_id OR OLD.is_private IS DISTINCT FROM NEW.is_private OR "
           "OLD.estimated_hours IS DISTINCT FROM NEW.estimated_hours")
PG_TRIGGERS = [
    "CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_counts_apply()",
    "CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION ticket_counts_apply()",
    f"CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets FOR EACH ROW WHEN ({CHANGED}) "
    "EXECUTE FUNCTION ticket_counts_apply()",
]
_SQLITE_ADD = (f"INSERT INTO ticket_counts ({KEY}, tickets, estimated_hours) "
               "VALUES (NEW.wg_id, NEW.status_id, NEW.tracker_id, NEW.is_private, 1, COALESCE(NEW.estimated_hours, 0)) "
               f"ON CONFLICT ({KEY}) DO UPDATE SET tickets = tickets + 1, "
               "estimated_hours = estimated_hours + excluded.estimated_hours;")
_SQLITE_REMOVE = ("UPDATE ticket_counts SET tickets = tickets - 1, estimated_hours = estimated_hours - COALESCE(OLD.estimated_hours, 0) "
                  "WHERE wg_id = OLD.wg_id AND status_id = OLD.status_id AND tracker_id = OLD.tracker_id "
                  "AND is_private = OLD.is_private;")
_SQLITE_CHANGED = CHANGED.replace("IS DISTINCT FROM", "IS NOT")
SQLITE_TRIGGERS = [
    f"CREATE TRIGGER ticket_counts_insert AFTER INSERT ON tickets BEGIN {_SQLITE_ADD} END",
    f"CREATE TRIGGER ticket_counts_delete AFTER DELETE ON tickets BEGIN {_SQLITE_REMOVE} END",
    f"CREATE TRIGGER ticket_counts_update AFTER UPDATE ON tickets WHEN {_SQLITE_CHANGED} BEGIN {_SQLITE_REMOVE} {_SQLITE_ADD} END",
]


def upgrade():
    op.add_column('users', sa.Column('csv_encoding', sa.String(length=20), nullable=True))
    op.create_table(
        'ticket_counts',
        sa.Column('wg_id', sa.Integer(), nullable=False),
        sa.Column('status_id', sa.Integer(), nullable=False),
        sa.Column('tracker_id', sa.Integer(), nullable=False),
        sa.Column('is_private', sa.Boolean(), nullable=False),
        sa.Column('tickets', sa.Integer(), nullable=False),
        sa.Column('estimated_hours', sa.Numeric(), nullable=False),
        sa.PrimaryKeyConstraint('wg_id', 'status_id', 'tracker_id', 'is_private'),
    )
    op.execute(f"INSERT INTO ticket_counts ({KEY}, tickets, estimated_hours) "
               f"SELECT {KEY}, COUNT(*), COALESCE(SUM(estimated_hours), 0) FROM tickets GROUP BY {KEY}")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_FUNCTION)
        for statement in PG_TRIGGERS:
            op.execute(statement)
        private = sa.text("is_private = true")
    else:
        for statement in SQLITE_TRIGGERS:
            op.execute(statement)
        private = sa.text("is_private = 1")
    op.create_index('ix_tickets_priority_updated', 'tickets', ['priority_id', 'updated_at', 'id'])
    op.create_index('ix_tickets_private_author', 'tickets', ['author_id'],
                    postgresql_where=private, sqlite_where=private)
    op.create_index('ix_tickets_private_assignee', 'tickets', ['assigned_to_id'],
                    postgresql_where=private, sqlite_where=private)
    # The planner's statistics for the new indexes and table (SQLite has none until ANALYZE).
    op.execute("ANALYZE tickets")
    op.execute("ANALYZE ticket_counts")


def downgrade():
    op.drop_index('ix_tickets_private_assignee', 'tickets')
    op.drop_index('ix_tickets_private_author', 'tickets')
    op.drop_index('ix_tickets_priority_updated', 'tickets')
    for name in ("insert", "delete", "update"):
        op.execute(f"DROP TRIGGER IF EXISTS ticket_counts_{name}" +
                   (" ON tickets" if op.get_bind().dialect.name == "postgresql" else ""))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS ticket_counts_apply()")
    op.drop_table('ticket_counts')
    op.drop_column('users', 'csv_encoding')
