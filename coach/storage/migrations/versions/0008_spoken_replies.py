"""Spoken replies: a staff turn keeps what was measured from the trainee's voice (pace, silences, loudness,
talking over the caller), which the telephone standards of type `voice` score.

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


def downgrade():
    with op.batch_alter_table('turns', schema=None) as batch_op:
        batch_op.drop_column('voice')
