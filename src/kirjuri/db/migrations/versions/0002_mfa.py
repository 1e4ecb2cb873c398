"""mfa: two-step verification transactions

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import kirjuri.db.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mfa_transactions",
        sa.Column("company_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column(
            "payload", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=False
        ),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column(
            "result", sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"), nullable=True
        ),
        sa.Column("created_at", kirjuri.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("decided_at", kirjuri.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["company_id"], ["companies.id"], name=op.f("fk_mfa_transactions_company_id_companies"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_mfa_transactions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("company_id", "id", name=op.f("pk_mfa_transactions")),
    )
    with op.batch_alter_table("mfa_transactions", schema=None) as batch_op:
        batch_op.create_index("ix_mfa_transactions_id", ["id"], unique=False)
        batch_op.create_index("ix_mfa_transactions_user_status", ["user_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("mfa_transactions", schema=None) as batch_op:
        batch_op.drop_index("ix_mfa_transactions_user_status")
        batch_op.drop_index("ix_mfa_transactions_id")
    op.drop_table("mfa_transactions")
