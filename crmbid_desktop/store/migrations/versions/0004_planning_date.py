"""The bid's own "plan as if today is …" day (rehearsals, training, looking back at a finished bid)

Revision ID: 0004_planning_date
Revises: 0003_letter_details
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_planning_date"
down_revision = "0003_letter_details"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable: None means plan from the computer's real today, as every bid did before.
    with op.batch_alter_table("bid") as batch_op:
        batch_op.add_column(sa.Column("planning_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bid") as batch_op:
        batch_op.drop_column("planning_date")
