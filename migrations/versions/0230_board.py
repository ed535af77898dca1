"""board_wip_limits: the WIP limit of each column of a WG's Kanban board.

Revision ID: 0230_board
Revises: 0190_directory_users
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0230_board'
down_revision = '0200_user_date_style'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'board_wip_limits',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wg_id', sa.Integer(), nullable=False),
        sa.Column('column_by', sa.String(length=20), nullable=False),
        sa.Column('column_key', sa.String(length=40), nullable=False),
        sa.Column('wip_limit', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['wg_id'], ['working_groups.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('wg_id', 'column_by', 'column_key', name='uq_board_wip_limits_column'),
    )
    op.create_index('ix_board_wip_limits_wg_id', 'board_wip_limits', ['wg_id'])


def downgrade():
    op.drop_index('ix_board_wip_limits_wg_id', table_name='board_wip_limits')
    op.drop_table('board_wip_limits')
