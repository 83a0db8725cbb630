"""Alembic migration scripts shipped inside the package and applied when a bid is opened."""
