"""Persistence of a bid file: SQLAlchemy models, sessions, migrations, backups, locks."""
