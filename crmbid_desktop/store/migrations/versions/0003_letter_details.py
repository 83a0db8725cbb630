"""The letter's recipient and date, and how Word exports print money and template headers

Revision ID: 0003_letter_details
Revises: 0002_exchange
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_letter_details"
down_revision = "0002_exchange"
branch_labels = None
depends_on = None

_COLUMNS = (
    ("letter_recipient_name", sa.String(length=200), "''"),
    ("letter_recipient_title", sa.String(length=200), "''"),
    ("letter_recipient_address", sa.Text(), "''"),
    ("money_whole_pounds", sa.Boolean(), "1"),
    ("use_template_header_footer", sa.Boolean(), "1"),
)


def upgrade() -> None:
    # SQLite stores a boolean as 1; PostgreSQL wants the word (the file's schema is unchanged).
    on_server = op.get_bind().dialect.name == "postgresql"
    with op.batch_alter_table("bid") as batch_op:
        for name, kind, default in _COLUMNS:
            if on_server and isinstance(kind, sa.Boolean):
                default = "true"
            batch_op.add_column(
                sa.Column(name, kind, nullable=False, server_default=sa.text(default))
            )
        batch_op.add_column(sa.Column("letter_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("bid") as batch_op:
        batch_op.drop_column("letter_date")
        for name, _kind, _default in reversed(_COLUMNS):
            batch_op.drop_column(name)
