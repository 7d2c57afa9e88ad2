"""Spoken replies: a staff turn keeps what was measured from the trainee's voice (pace, silences, loudness,
talking over the caller), which the telephone standards of type `voice` score; and the sound itself, where the
company setting voice.recordings allows keeping it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voice', sa.JSON().with_variant(JSONB(), 'postgresql'), nullable=True))
    op.create_table(
        'recordings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('wav', sa.LargeBinary(), nullable=False),
        sa.Column('seconds', sa.Float(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'],
                                name=op.f('fk_recordings_session_id_practice_sessions'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recordings')),
        sa.UniqueConstraint('session_id', 'seq', name='uq_recordings_session_seq'),
    )
    with op.batch_alter_table('recordings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recordings_session_id'), ['session_id'], unique=False)


def downgrade():
    op.drop_table('recordings')
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_column('voice')
