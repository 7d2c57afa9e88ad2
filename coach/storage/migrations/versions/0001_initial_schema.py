"""Initial schema: people and teams, sessions and turns, scorecards and findings, reviews, awards, audit log.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('standards_versions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('detector_version', sa.String(length=40), nullable=False),
    sa.Column('rules', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standards_versions')),
    sa.UniqueConstraint('pack_id', 'version', 'detector_version', name='uq_standards_versions_key')
    )
    op.create_table('teams',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('name', name=op.f('uq_teams_name'))
    )
    op.create_table('people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('login', sa.String(length=120), nullable=True),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('trainee', 'trainer', 'manager', 'admin')", name=op.f('ck_people_role')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_people_team_id_teams'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_people')),
    sa.UniqueConstraint('login', name=op.f('uq_people_login'))
    )
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_people_team_id'), ['team_id'], unique=False)

    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['people.id'], name=op.f('fk_audit_log_actor_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_at', ['at'], unique=False)
        batch_op.create_index('ix_audit_entity', ['entity', 'entity_id'], unique=False)
        batch_op.create_index('ix_audit_subject', ['subject_id'], unique=False)

    op.create_table('awards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('formula_version', sa.String(length=40), nullable=False),
    sa.Column('figures', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('decided_by', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['decided_by'], ['people.id'], name=op.f('fk_awards_decided_by_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_awards_person_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awards')),
    sa.UniqueConstraint('period', 'kind', name='uq_awards_period_kind')
    )
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awards_person_id'), ['person_id'], unique=False)

    op.create_table('practice_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('scenario_id', sa.String(length=80), nullable=False),
    sa.Column('scenario_version', sa.String(length=40), nullable=False),
    sa.Column('track', sa.String(length=20), nullable=True),
    sa.Column('difficulty', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('language', sa.String(length=10), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_activity_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=True),
    sa.Column('final_mood', sa.Float(), nullable=True),
    sa.Column('rasa_conversation_id', sa.String(length=120), nullable=True),
    sa.CheckConstraint("channel IN ('chat', 'phone', 'drill')", name=op.f('ck_practice_sessions_channel')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('resolved', 'escalated', 'hung_up', 'ended_by_trainee', 'passed', 'failed')", name=op.f('ck_practice_sessions_outcome')),
    sa.CheckConstraint("status IN ('active', 'completed', 'abandoned')", name=op.f('ck_practice_sessions_status')),
    sa.CheckConstraint('difficulty IS NULL OR difficulty BETWEEN 1 AND 3', name=op.f('ck_practice_sessions_difficulty')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_practice_sessions_person_id_people'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_sessions')),
    sa.UniqueConstraint('rasa_conversation_id', name=op.f('uq_practice_sessions_rasa_conversation_id'))
    )
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_sessions_person_started', ['person_id', 'started_at'], unique=False)
        batch_op.create_index('ix_sessions_started', ['started_at'], unique=False)
        batch_op.create_index('ix_sessions_status_activity', ['status', 'last_activity_at'], unique=False)
        batch_op.create_index('ix_sessions_status_started', ['status', 'started_at'], unique=False)
        batch_op.create_index('ix_sessions_scenario_started', ['scenario_id', 'started_at'], unique=False)

    op.create_table('scorecards',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('standards_version_id', sa.Integer(), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('categories', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('explanation', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('met', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('missed', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('not_applicable', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('warnings', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('overall BETWEEN 0 AND 100', name=op.f('ck_scorecards_overall')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'], name=op.f('fk_scorecards_session_id_practice_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['standards_version_id'], ['standards_versions.id'], name=op.f('fk_scorecards_standards_version_id_standards_versions'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_scorecards'))
    )
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.create_index('ix_scorecards_session_current', ['session_id', 'is_current'], unique=False)

    op.create_table('turns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('speaker', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('t', sa.Float(), nullable=True),
    sa.Column('latency_ms', sa.Integer(), nullable=True),
    sa.Column('mood_after', sa.Float(), nullable=True),
    sa.Column('behaviors', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('spans', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('intent', sa.String(length=80), nullable=True),
    sa.Column('intent_confidence', sa.Float(), nullable=True),
    sa.Column('event', sa.String(length=10), nullable=True),
    sa.CheckConstraint("event IS NULL OR event IN ('ring', 'answer', 'hold', 'resume', 'transfer', 'hangup')", name=op.f('ck_turns_event')),
    sa.CheckConstraint("speaker IN ('customer', 'staff', 'system')", name=op.f('ck_turns_speaker')),
    sa.CheckConstraint('seq >= 0', name=op.f('ck_turns_seq')),
    sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'], name=op.f('fk_turns_session_id_practice_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turns')),
    sa.UniqueConstraint('session_id', 'seq', name='uq_turns_session_seq')
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('turn_id', sa.Integer(), nullable=True),
    sa.Column('turn_seq', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('standards_version_id', sa.Integer(), nullable=False),
    sa.Column('severity', sa.String(length=10), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('span_start', sa.Integer(), nullable=True),
    sa.Column('span_end', sa.Integer(), nullable=True),
    sa.Column('span_text', sa.Text(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('suggestion', sa.Text(), nullable=True),
    sa.Column('fix', sa.Text(), nullable=True),
    sa.Column('points', sa.Float(), nullable=False),
    sa.CheckConstraint("severity IN ('info', 'minor', 'major', 'critical')", name=op.f('ck_findings_severity')),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_findings_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['standards_version_id'], ['standards_versions.id'], name=op.f('fk_findings_standards_version_id_standards_versions'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['turn_id'], ['turns.id'], name=op.f('fk_findings_turn_id_turns'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index('ix_findings_rule', ['rule_id'], unique=False)
        batch_op.create_index('ix_findings_scorecard', ['scorecard_id'], unique=False)

    op.create_table('reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('scorecard_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('overall_override', sa.Integer(), nullable=True),
    sa.Column('overall_reason', sa.Text(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'disputed')", name=op.f('ck_reviews_status')),
    sa.CheckConstraint('overall_override IS NULL OR overall_override BETWEEN 0 AND 100', name=op.f('ck_reviews_overall_override')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['people.id'], name=op.f('fk_reviews_reviewer_id_people'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['scorecard_id'], ['scorecards.id'], name=op.f('fk_reviews_scorecard_id_scorecards'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['practice_sessions.id'], name=op.f('fk_reviews_session_id_practice_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reviews')),
    sa.UniqueConstraint('scorecard_id', 'reviewer_id', name='uq_reviews_scorecard_reviewer')
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_session', ['session_id'], unique=False)

    op.create_table('review_verdicts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=True),
    sa.Column('rule_id', sa.String(length=40), nullable=False),
    sa.Column('turn_seq', sa.Integer(), nullable=True),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.CheckConstraint("verdict = 'add' OR finding_id IS NOT NULL", name=op.f('ck_review_verdicts_finding_needed')),
    sa.CheckConstraint("verdict IN ('agree', 'reject', 'add')", name=op.f('ck_review_verdicts_verdict')),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_review_verdicts_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['review_id'], ['reviews.id'], name=op.f('fk_review_verdicts_review_id_reviews'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_verdicts'))
    )
    with op.batch_alter_table('review_verdicts', schema=None) as batch_op:
        batch_op.create_index('ix_review_verdicts_review', ['review_id'], unique=False)



def downgrade():
    with op.batch_alter_table('review_verdicts', schema=None) as batch_op:
        batch_op.drop_index('ix_review_verdicts_review')

    op.drop_table('review_verdicts')
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_session')

    op.drop_table('reviews')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index('ix_findings_scorecard')
        batch_op.drop_index('ix_findings_rule')

    op.drop_table('findings')
    op.drop_table('turns')
    with op.batch_alter_table('scorecards', schema=None) as batch_op:
        batch_op.drop_index('ix_scorecards_session_current')

    op.drop_table('scorecards')
    with op.batch_alter_table('practice_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_sessions_status_started')
        batch_op.drop_index('ix_sessions_scenario_started')
        batch_op.drop_index('ix_sessions_status_activity')
        batch_op.drop_index('ix_sessions_started')
        batch_op.drop_index('ix_sessions_person_started')

    op.drop_table('practice_sessions')
    with op.batch_alter_table('awards', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awards_person_id'))

    op.drop_table('awards')
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_subject')
        batch_op.drop_index('ix_audit_entity')
        batch_op.drop_index('ix_audit_at')

    op.drop_table('audit_log')
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_team_id'))

    op.drop_table('people')
    op.drop_table('teams')
    op.drop_table('standards_versions')
