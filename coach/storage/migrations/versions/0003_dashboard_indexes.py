"""Covering indexes for the dashboards: findings by (scorecard, rule); completed sessions by time with
the person, so per-person and per-team figures over a period read the index alone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_scorecard')
        batch_op.create_index('ix_findings_scorecard_rule', ['scorecard_id', 'rule_id'], unique=False)
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_status_started')
        batch_op.create_index('ix_sessions_status_started', ['status', 'started_at', 'person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_status_started')
        batch_op.create_index('ix_sessions_status_started', ['status', 'started_at'], unique=False)
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_scorecard_rule')
        batch_op.create_index('ix_findings_scorecard', ['scorecard_id'], unique=False)
