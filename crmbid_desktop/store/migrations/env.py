"""Alembic environment: runs on the connection the store hands over, inside its transaction."""

from alembic import context

from crmbid_desktop.store.models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite cannot ALTER most things in place; batch mode copies the table instead.
    render_as_batch=True,
    # One transaction for the whole upgrade: a failure leaves the file as it was.
    transaction_per_migration=False,
)
with context.begin_transaction():
    context.run_migrations()
