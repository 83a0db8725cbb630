"""Last common state of a bid and a partner's copy, for three-way merges

Revision ID: 0002_exchange
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_exchange"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exchange_base",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("copy_uuid", sa.String(length=36), nullable=False),
        sa.Column("made_at", sa.DateTime(), nullable=False),
        sa.Column("partner_name", sa.String(length=200), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_base")),
        sa.UniqueConstraint("copy_uuid", name=op.f("uq_exchange_base_copy_uuid")),
    )


def downgrade() -> None:
    with op.batch_alter_table("exchange_base") as batch_op:
        batch_op.drop_constraint("uq_exchange_base_copy_uuid", type_="unique")
    op.drop_table("exchange_base")
