"""A session's turn times come from the server's clock, unless it was started as a scripted session (through
the token-protected API): a client can no longer choose the time, and so the latency, of a trainee's reply.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('clock', sa.String(length=6), server_default='server', nullable=False))
        batch_op.create_check_constraint(op.f('ck_practice_sessions_clock'), "clock IN ('server', 'script')")


def downgrade():
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_practice_sessions_clock'), type_='check')
        batch_op.drop_column('clock')
