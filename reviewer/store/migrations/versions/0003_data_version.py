"""data version counter: one row bumped by every writing transaction

Lets the web layer keep rendered queue pages and API lists and still answer every read with what
the database holds: a cached answer is used only while the counter is unchanged.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    t = op.create_table('data_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('n', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
    op.bulk_insert(t, [{'id': 1, 'n': 0}])


def downgrade() -> None:
    op.drop_table('data_version')
