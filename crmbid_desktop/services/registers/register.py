"""A register of one table (products, risks…): list, add, edit, delete, each a recorded edit.

A register declares its table, its fields dataclass and how a change is worded; this base opens
and closes the sessions through the Workspace, so every write gives the change set and undo step
that every other edit gives, and callers only ever see frozen dataclasses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.naming import first_free_name
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Base, new_uuid


class RegisterFields(Protocol):
    """What a register's form sets on one row: a frozen dataclass that can check itself."""

    __dataclass_fields__: ClassVar[dict[str, Any]]

    def checked(self) -> Any:
        """A normalised copy, or ValueError naming the field that is wrong."""
        ...


F = TypeVar("F", bound=RegisterFields)
R = TypeVar("R")


def short(text: str, limit: int = 60) -> str:
    """Long text shortened to one line for a change's description."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Register(Generic[F, R]):
    """One register's service; a subclass names its table, fields, rows and wording."""

    #: The ORM class of the table, e.g. Product.
    table: ClassVar[type[Base]]
    #: The fields dataclass (frozen) a row is edited through.
    fields_type: ClassVar[type[Any]]
    #: The change log's name for a row of it ("product"), which is also the table's name.
    entity: ClassVar[str]
    #: The field that names a row, kept distinct for new rows ("name", "description").
    title_field: ClassVar[str]
    #: What a new row is called before the user names it ("New product").
    new_title: ClassVar[str]
    #: Long text fields two people's saves merge paragraph by paragraph (the rest field-wise).
    text_fields: ClassVar[tuple[str, ...]] = ()

    # -- what a register declares ---------------------------------------------------------------
    def title(self, fields: F) -> str:
        """How a row is quoted in "Added …" and "Deleted …" (shortened where it runs long)."""
        return str(getattr(fields, self.title_field))

    def rows_from(self, session: Session, found: Sequence[Any]) -> list[R]:
        """The plain rows for the ORM objects `found` (in id order), in the order shown."""
        raise NotImplementedError

    def describe_change(self, session: Session, old: F, new: F) -> str:
        """One line for the undo menu and change log; "" when nothing changed."""
        raise NotImplementedError

    # -- reading --------------------------------------------------------------------------------
    def fields_of(self, row: Any) -> F:
        names = [field.name for field in dataclasses.fields(self.fields_type)]
        fields: F = self.fields_type(**{name: getattr(row, name) for name in names})
        return fields

    def read_rows(self, session: Session, uuids: Collection[str] | None = None) -> list[R]:
        """The rows within a session another service already holds (one consistent read)."""
        table: Any = self.table
        query = select(table).order_by(table.id)
        if uuids is not None:
            query = query.where(table.uuid.in_(list(uuids)))
        return self.rows_from(session, list(session.scalars(query)))

    def rows(self, workspace: Workspace, uuids: Collection[str] | None = None) -> list[R]:
        """Every row in the order shown, or just those with these `uuids` (a change set's)."""
        with workspace.reading() as session:
            return self.read_rows(session, uuids)

    def new_title_for(self, workspace: Workspace) -> str:
        """“New product”, or “New product 2”… when that is taken, so each new row stands out."""
        column = getattr(self.table, self.title_field)
        with workspace.reading() as session:
            return first_free_name(self.new_title, session.scalars(select(column)))

    def _gone(self) -> LookupError:
        return LookupError(f"That {self.entity} is no longer in the bid (deleted elsewhere?).")

    # -- writing --------------------------------------------------------------------------------
    def add(self, workspace: Workspace, fields: F) -> int:
        """Add one row as one edit; returns its id."""
        fields = fields.checked()
        row: Any = self.table(uuid=new_uuid(), **dataclasses.asdict(fields))
        summary = f"Added {self.entity} “{self.title(fields)}”"
        with workspace.edit(
            summary, action="add", entity=self.entity, entity_uuid=row.uuid
        ) as session:
            session.add(row)
            session.flush()
            return int(row.id)

    def update(self, workspace: Workspace, row_id: int, fields: F) -> str:
        """Save the row's fields as one edit; returns its description ("" if nothing changed)."""
        fields = fields.checked()
        with workspace.reading() as session:
            found = session.get(self.table, row_id)
            if found is None:
                raise self._gone()
            old, uuid = self.fields_of(found), str(found.uuid)  # type: ignore[attr-defined]
            summary = self.describe_change(session, old, fields)
        if not summary:
            return ""
        with workspace.edit(summary, entity=self.entity, entity_uuid=uuid) as session:
            found = session.get(self.table, row_id)
            if found is None:
                raise self._gone()
            for key, value in dataclasses.asdict(fields).items():
                setattr(found, key, value)
        return summary

    def load(self, workspace: Workspace, row_id: int) -> versioned.Loaded:
        """The row's version and fields, for a form to keep until it saves (see `save`)."""
        names = [field.name for field in dataclasses.fields(self.fields_type)]
        return versioned.load(workspace, self.table, row_id, names)

    def save(
        self, workspace: Workspace, row_id: int, loaded: versioned.Loaded, fields: F
    ) -> versioned.SaveResult:
        """Save the form over what it `loaded`: only the fields its user changed, merged with
        what others saved since; real conflicts come back unwritten (services/bid/versioned.py)."""
        fields = fields.checked()
        wanted = versioned.as_values(fields)
        before: F = self.fields_type(**{**wanted, **loaded.values})

        def describe(writes: Mapping[str, object]) -> str:
            with workspace.reading() as session:
                return (
                    self.describe_change(session, before, dataclasses.replace(before, **writes))
                    or f"Changed {self.entity} “{self.title(fields)}”"
                )

        return versioned.save_fields(
            workspace,
            self.table,
            row_id,
            loaded,
            wanted,
            describe=describe,
            entity=self.entity,
            texts=self.text_fields,
            gone=(
                f"That {self.entity} was deleted by someone else while you edited it. What you "
                "typed is still in the form: add it again, or undo the deletion."
            ),
        )

    def delete(self, workspace: Workspace, row_id: int) -> None:
        """Delete one row; Edit > Undo puts it back whole (uuid included), as for every edit."""
        with workspace.reading() as session:
            found = session.get(self.table, row_id)
            if found is None:
                raise self._gone()
            summary = f"Deleted {self.entity} “{self.title(self.fields_of(found))}”"
            uuid = str(found.uuid)  # type: ignore[attr-defined]
        with workspace.edit(
            summary, action="delete", entity=self.entity, entity_uuid=uuid
        ) as session:
            again = session.get(self.table, row_id)
            if again is not None:
                session.delete(again)
