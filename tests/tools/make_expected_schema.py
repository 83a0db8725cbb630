"""Write crmbid_desktop/store/expected_schema.py from the shipped migrations (run after adding one).

Each revision is applied to an empty file and read back with the same introspection the trust
check uses; a test fails when the module and the migrations disagree.
Run: PYTHONPATH=. /work/venv/bin/python tests/tools/make_expected_schema.py
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crmbid_desktop.store.expected_schema import SchemaShape  # noqa: E402

TARGET = ROOT / "crmbid_desktop" / "store" / "expected_schema.py"

HEADER = '''"""The schema each shipped revision makes, object by object: what a trusted bid file must hold.

Written by tests/tools/make_expected_schema.py from the migrations; a test keeps the two equal.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TableShape:
    #: column -> (declared type, not null, primary key position, hidden)
    columns: dict[str, tuple[str, int, int, int]]
    #: (referred table, column, referred column, on update, on delete), sorted
    foreign_keys: tuple[tuple[str, str, str, str, str], ...]


@dataclass(frozen=True)
class SchemaShape:
    tables: dict[str, TableShape]
    #: index -> (table, unique, columns)
    indexes: dict[str, tuple[str, int, tuple[str, ...]]]


'''


def shape_at(revision: str) -> SchemaShape:
    from alembic import command

    from crmbid_desktop.store import sqlite as sqlite_store
    from crmbid_desktop.store.schema import alembic_config
    from crmbid_desktop.store.sqlite_trust import read_schema

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "expected.crmbid"
        engine = sqlite_store.make_engine(path)
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection), revision)  # type: ignore[arg-type]
        engine.dispose()
        reader = sqlite3.connect(path)
        try:
            tables, indexes, _others = read_schema(reader)
        finally:
            reader.close()
    return SchemaShape(tables=dict(sorted(tables.items())), indexes=dict(sorted(indexes.items())))


def all_shapes() -> dict[str, SchemaShape]:
    from crmbid_desktop.store.schema import known_revisions

    return {revision: shape_at(revision) for revision in sorted(known_revisions())}


def source() -> str:
    lines = [HEADER, "EXPECTED_SCHEMAS: dict[str, SchemaShape] = {"]
    for revision, shape in all_shapes().items():
        lines.append(f"    {revision!r}: SchemaShape(")
        lines.append("        tables={")
        for name, table in shape.tables.items():
            lines.append(
                f"            {name!r}: TableShape(columns={table.columns!r}, "
                f"foreign_keys={table.foreign_keys!r}),"
            )
        lines.append("        },")
        lines.append(f"        indexes={shape.indexes!r},")
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def formatted(text: str) -> str:
    # `python -m ruff` finds ruff's program wherever the installer put it (bin/ beside python on
    # Linux, Scripts\ on Windows), where a path built from sys.executable works only on Linux.
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--stdin-filename", str(TARGET), "-"],
        input=text,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return done.stdout


if __name__ == "__main__":
    TARGET.write_text(formatted(source()), encoding="utf-8")
    print(f"wrote {TARGET}")
