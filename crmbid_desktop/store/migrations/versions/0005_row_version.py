"""Every tracked row gets a row version, so several people can edit one bid without losing edits

Revision ID: 0005_row_version
Revises: 0004_planning_date
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_row_version"
down_revision = "0004_planning_date"
branch_labels = None
depends_on = None

#: The tables with the `Tracked` columns at this revision (a migration names them itself, so a
#: later model change cannot change what this step did).
TRACKED_TABLES = (
    "attachment",
    "bid",
    "budget_amount",
    "budget_line",
    "clarification",
    "clarification_section",
    "comment",
    "contact",
    "criterion",
    "milestone",
    "partner",
    "product",
    "risk",
    "section",
    "section_criterion",
    "section_version",
    "task",
    "task_dependency",
)


def upgrade() -> None:
    # Existing rows start at version 1, as a new row does.
    for table in TRACKED_TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column("row_version", sa.Integer(), nullable=False, server_default="1")
            )


def downgrade() -> None:
    for table in reversed(TRACKED_TABLES):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("row_version")
