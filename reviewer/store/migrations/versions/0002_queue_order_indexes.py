"""queue order indexes: severity descending, per agency and across agencies

The queue sorts by severity (highest first) then age (oldest first); an index in that exact
mixed order lets both databases read the first page without sorting every pending item.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_items_queue', table_name='items')
    op.create_index('ix_items_queue', 'items',
                    ['agency_id', 'status', sa.literal_column('severity_rank DESC'), 'created_at'], unique=False)
    op.create_index('ix_items_queue_all', 'items',
                    ['status', sa.literal_column('severity_rank DESC'), 'created_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_items_queue_all', table_name='items')
    op.drop_index('ix_items_queue', table_name='items')
    op.create_index('ix_items_queue', 'items', ['agency_id', 'status', 'severity_rank', 'created_at'], unique=False)
