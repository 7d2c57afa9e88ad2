"""Four eyes on changed scores: a company setting (review.four_eyes, in a new company_settings table) makes a
score override of more than N points wait for a second trainer or a manager, who is recorded on the review.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'company_settings',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'),
                  nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['updated_by'], ['people.id'], name=op.f('fk_company_settings_updated_by_people'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_company_settings')),
    )
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_reviews_approved_by_people'), 'people', ['approved_by'], ['id'],
                                    ondelete='RESTRICT')
        batch_op.drop_constraint(op.f('ck_reviews_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_reviews_status'), "status IN ('pending', 'approved', 'disputed', 'awaiting')")


def downgrade():
    op.execute("UPDATE reviews SET status = 'pending' WHERE status = 'awaiting'")
    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_reviews_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_reviews_status'), "status IN ('pending', 'approved', 'disputed')")
        batch_op.drop_constraint(batch_op.f('fk_reviews_approved_by_people'), type_='foreignkey')
        batch_op.drop_column('approved_at')
        batch_op.drop_column('approved_by')
    op.drop_table('company_settings')
