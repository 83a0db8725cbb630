"""The lightweight table clauses read before the models load must match the models exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.sql import TableClause

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.store import table_clauses
from crmbid_desktop.store.models import Base


@pytest.mark.parametrize("clause", table_clauses.ALL, ids=lambda clause: clause.name)
def test_every_clause_names_a_real_table_and_columns_of_the_same_type(
    clause: TableClause,
) -> None:
    table = Base.metadata.tables.get(clause.name)
    assert table is not None, f"no table {clause.name!r} in the models"
    for column in clause.c:
        assert column.name in table.c, f"{clause.name}.{column.name} is not in the models"
        model_type = type(table.c[column.name].type)
        # Same Python value either way: a String clause for a Text column reads the same str.
        assert column.type.python_type is model_type().python_type, (
            f"{clause.name}.{column.name}: {column.type!r} here, {model_type.__name__} in models"
        )


def test_every_clause_reads_from_a_real_bid(bid_path: Path, app_paths: AppPaths) -> None:
    workspace = open_workspace(bid_path, app_paths)
    try:
        with workspace.reading() as session:
            for clause in table_clauses.ALL:
                session.execute(select(*clause.c)).all()
            external = session.execute(
                select(table_clauses.milestone.c.due_on).where(
                    table_clauses.milestone.c.external.is_(True)
                )
            ).scalars()
            assert all(hasattr(day, "isoformat") for day in external)  # dates, not text
    finally:
        workspace.close()
