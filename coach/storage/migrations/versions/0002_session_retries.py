"""Sessions can be retries of an earlier session from a given turn ("Retry from turn N").

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retry_of_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retry_from_seq', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_practice_sessions_retry_of_id_practice_sessions'),
                                    'practice_sessions', ['retry_of_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index(batch_op.f('ix_practice_sessions_retry_of_id'), ['retry_of_id'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_practice_sessions_retry_of_id'))
        batch_op.drop_constraint(batch_op.f('fk_practice_sessions_retry_of_id_practice_sessions'), type_='foreignkey')
        batch_op.drop_column('retry_from_seq')
        batch_op.drop_column('retry_of_id')
