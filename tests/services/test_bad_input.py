"""Random hostile text through Workspace.edit is stored verbatim and read back identical."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import (
    ChangeLogEntry,
    Comment,
    Milestone,
    Partner,
    Product,
    Risk,
    Section,
    Task,
)

pytestmark = pytest.mark.slow

MEGABYTE = 1_000_000
SPECIAL = [
    "Robert'); DROP TABLE partner;--",
    '" OR 1=1 -- ; /* */ %_ \\ `',
    "مجلس مدينة ليدز",  # right-to-left Arabic
    "\u202eLeeds\u202c \u200f\u200e",  # direction overrides and marks
    "🏛️👩🏽‍💼 Newham 🇬🇧",
    "\x00\x01\x07\x1b[31m\x7f\t\r\n",
    "",
    ("Leeds ✓ " * (MEGABYTE // 8 + 1))[:MEGABYTE],  # 1 MB
    ("'\x00😀ש" * (MEGABYTE // 4 + 1))[:MEGABYTE],
]
# Every code point except lone surrogates, which no keyboard, paste or file can produce.
hostile_text = st.one_of(
    st.text(st.characters(exclude_categories=["Cs"]), max_size=200),
    st.sampled_from(SPECIAL),
    st.tuples(st.sampled_from(SPECIAL), st.text(max_size=20)).map("".join),
)

# Each bid thing: how to make one from a text, and how to read the text back.
Maker = Callable[[str, Section], object]
KINDS: dict[str, tuple[type, Maker, Callable[[object], tuple[str, ...]]]] = {
    "partner": (
        Partner,
        lambda t, _s: Partner(name=t, notes=t, signatory=t),
        lambda r: (r.name, r.notes, r.signatory),  # type: ignore[attr-defined]
    ),
    "section": (
        Section,
        lambda t, _s: Section(title=t, body=t, guidance=t),
        lambda r: (r.title, r.body, r.guidance),  # type: ignore[attr-defined]
    ),
    "task": (
        Task,
        lambda t, _s: Task(title=t, description=t, owner_person=t),
        lambda r: (r.title, r.description, r.owner_person),  # type: ignore[attr-defined]
    ),
    "milestone": (
        Milestone,
        lambda t, _s: Milestone(title=t, notes=t, due_on=date(2005, 8, 26)),
        lambda r: (r.title, r.notes),  # type: ignore[attr-defined]
    ),
    "comment": (
        Comment,
        lambda t, s: Comment(section_id=s.id, author=t, text=t),
        lambda r: (r.author, r.text),  # type: ignore[attr-defined]
    ),
    "product": (
        Product,
        lambda t, _s: Product(name=t, description=t, decision_reason=t),
        lambda r: (r.name, r.description, r.decision_reason),  # type: ignore[attr-defined]
    ),
    "risk": (
        Risk,
        lambda t, _s: Risk(description=t, mitigation=t, owner=t),
        lambda r: (r.description, r.mitigation, r.owner),  # type: ignore[attr-defined]
    ),
}


@pytest.fixture(scope="module")
def shared_workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("bad-input")
    path = root / "bid.crmbid"
    create_bid(path).close()
    opened = open_workspace(path, AppPaths.under(root / "home").ensure())
    yield opened
    opened.close()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(sorted(KINDS)), text=hostile_text)
def test_hostile_text_is_stored_verbatim(
    shared_workspace: Workspace, app_paths: AppPaths, kind: str, text: str
) -> None:
    model, make, read = KINDS[kind]
    with shared_workspace.reading() as session:
        section = session.scalars(select(Section).order_by(Section.id)).first()
    assert section is not None
    with shared_workspace.edit(f"Added {kind} {text}", action="add", entity=kind) as session:
        row = make(text, section)
        session.add(row)
        session.flush()
        row_id = row.id  # type: ignore[attr-defined]
    # A fresh session reads from the file, not from objects still in memory.
    with shared_workspace.reading() as session:
        stored = session.get(model, row_id)
        assert stored is not None
        assert all(value == text for value in read(stored))
        log = session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id.desc())).first()
        assert log is not None and log.summary == f"Added {kind} {text}"
    with shared_workspace.edit(f"Removed {kind}") as session:
        session.delete(session.get(model, row_id))


def test_bid_is_sound_after_hostile_input(shared_workspace: Workspace, tmp_path: Path) -> None:
    from crmbid_desktop.store import sqlite as sqlite_store

    with shared_workspace.edit("Hostile partner") as session:
        session.add(Partner(name=SPECIAL[0], notes=SPECIAL[7]))
    assert sqlite_store.integrity_check(shared_workspace.path) == []
    with shared_workspace.reading() as session:
        assert (
            session.scalars(select(Partner.notes).where(Partner.name == SPECIAL[0])).one()
            == (SPECIAL[7])
        )
