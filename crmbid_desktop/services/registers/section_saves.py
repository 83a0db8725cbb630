"""Saving a section's text and details when others may have saved the same section meanwhile.

The section page keeps what it loaded (`Loaded`); these saves write only what its user changed,
merge the text with others' by paragraph, and return real conflicts (services/bid/versioned.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.versioned import Loaded, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.sections import (
    DETAIL_FIELDS,
    SectionError,
    _info,
    write_body,
)
from crmbid_desktop.store.models import Section, utc_now

_GONE = (
    "This section was deleted by someone else while you were editing it. Your text is kept: "
    "copy it, or undo the deletion, and save again."
)


def load_body(workspace: Workspace, section_id: int) -> Loaded:
    """The section's version and text, for the editor to keep until it saves."""
    return versioned.load(workspace, Section, section_id, ("body",))


def load_details(workspace: Workspace, section_id: int) -> Loaded:
    """The section's version and details, for the details form to keep until it saves."""
    return versioned.load(workspace, Section, section_id, DETAIL_FIELDS)


def save_body(
    workspace: Workspace,
    section_id: int,
    loaded: Loaded,
    body: str,
    *,
    now: datetime | None = None,
) -> SaveResult:
    """Save the text typed over `loaded`: merged by paragraph with others' saves since."""
    when = now or utc_now()

    def apply(session: Session, row: Any, writes: Mapping[str, object]) -> None:
        write_body(session, row, str(writes["body"]), when, workspace.user)

    with workspace.reading() as session:
        found = session.get(Section, section_id)
        if found is None:
            raise versioned.RowGoneError(_GONE, {"body": body})
        title = found.title

    def describe(writes: Mapping[str, object]) -> str:
        return f"Saved the text of '{title}'"

    return versioned.save_fields(
        workspace,
        Section,
        section_id,
        loaded,
        {"body": body},
        describe=describe,
        entity="section",
        texts=("body",),
        apply=apply,
        gone=_GONE,
        action="edit text",
    )


def save_details(
    workspace: Workspace, section_id: int, loaded: Loaded, **changes: Any
) -> SaveResult:
    """Save the details form over `loaded`: only the fields its user changed, merged."""
    unknown = set(changes) - set(DETAIL_FIELDS)
    if unknown:
        raise SectionError(f"Unknown section detail: {', '.join(sorted(unknown))}.")
    if "title" in changes:
        changes["title"] = str(changes["title"]).strip()
        if not changes["title"]:
            raise SectionError("A section needs a title.")
    limit = changes.get("word_limit")
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise SectionError(f"The word limit must be a whole number above 0, not '{limit}'.")

    with workspace.reading() as session:
        try:
            label = _info(session, section_id).label
        except SectionError:
            raise versioned.RowGoneError(_GONE, changes) from None

    def describe(writes: Mapping[str, object]) -> str:
        what = ", ".join(name.replace("_", " ") for name in writes)
        return f"Changed {what} of section {label}"

    return versioned.save_fields(
        workspace,
        Section,
        section_id,
        loaded,
        changes,
        describe=describe,
        entity="section",
        gone=_GONE,
        action="rename" if set(changes) == {"title"} else "edit",
    )
