"""Schema versions: the head this program writes, and Alembic applied to an open connection."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Connection

#: The Alembic revision this version of the program writes. Kept as a constant so opening an
#: up-to-date file never imports Alembic (start-up time); a test checks it matches the scripts.
SCHEMA_HEAD = "0005_row_version"

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def alembic_config(connection: Connection | None = None) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


def known_revisions() -> set[str]:
    """Every revision the shipped scripts know, head and older."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    return {revision.revision for revision in script.walk_revisions()}


def script_head() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())  # type: ignore[arg-type]
    head = script.get_current_head()
    assert head is not None
    return head


def upgrade_to_head(connection: Connection) -> None:
    """Apply every pending migration on a connection whose transaction the caller owns."""
    from alembic import command

    command.upgrade(alembic_config(connection), "head")  # type: ignore[arg-type]
