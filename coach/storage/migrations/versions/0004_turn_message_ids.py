"""Staff turns carry the client's message id, so a reply sent again after a lost answer (a server that
died, a timeout) is recognised and answered from what was recorded instead of being recorded twice.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('client_message_id', sa.String(length=64), nullable=True))
        batch_op.create_index('uq_turns_session_message', ['session_id', 'client_message_id'], unique=True)


def downgrade():
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_index('uq_turns_session_message')
        batch_op.drop_column('client_message_id')
