"""Copies of deleted rows, so a deletion can be undone with the same ids and UUIDs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from crmbid_desktop.store.models import Base


@dataclass(frozen=True)
class RowCopy:
    model: type[Base]
    values: dict[str, Any]


def copy_rows(rows: Iterable[Base]) -> list[RowCopy]:
    """Every column of each row, in the given order (parents before children)."""
    copies = []
    for row in rows:
        mapper = inspect(type(row))
        values = {attr.key: getattr(row, attr.key) for attr in mapper.column_attrs}
        copies.append(RowCopy(type(row), values))
    return copies


def put_back(session: Session, copies: Sequence[RowCopy]) -> None:
    """Insert the copied rows again, parents first, keeping ids and UUIDs."""
    for copy in copies:
        session.add(copy.model(**copy.values))
        session.flush()
