"""Section use cases: outline edits, workflow, deletion and restore, versions, find and replace."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from crmbid_desktop.domain.section_workflow import APPROVED, WorkflowError
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import section_saves
from crmbid_desktop.services.registers import sections as svc
from crmbid_desktop.store.models import (
    ChangeLogEntry,
    Comment,
    Section,
    SectionCriterion,
    SectionVersion,
    Task,
    utc_now,
)

#: The tables a section's deletion reaches, each row named by its UUID.
MODELS_WITH_UUIDS: tuple[Any, ...] = (Section, SectionVersion, Comment, SectionCriterion)


def _outline(workspace: Workspace) -> list[svc.SectionInfo]:
    with workspace.reading() as session:
        return svc.outline(session)


def _by_title(workspace: Workspace, title: str) -> svc.SectionInfo:
    return next(row for row in _outline(workspace) if row.title == title)


def _log(workspace: Workspace) -> list[str]:
    with workspace.reading() as session:
        return [
            e.summary for e in session.scalars(select(ChangeLogEntry).order_by(ChangeLogEntry.id))
        ]


def test_outline_numbers_follow_adds_moves_indents(workspace: Workspace) -> None:
    first = _outline(workspace)[0]
    new_id = svc.add_section(workspace, "Our offer", after_id=first.id)
    assert _by_title(workspace, "Our offer").number == "2"
    assert _by_title(workspace, "The bidding partnership").number == "3"
    svc.indent_section(workspace, new_id)
    assert _by_title(workspace, "Our offer").number == "1.1"
    sub = svc.add_section(workspace, "Detail", parent_id=new_id)
    assert _by_title(workspace, "Detail").number == "1.1.1"
    svc.outdent_section(workspace, sub)
    assert _by_title(workspace, "Detail").number == "1.2"
    svc.shift_section(workspace, sub, -1)
    assert _by_title(workspace, "Detail").number == "1.1"
    with pytest.raises(svc.SectionError, match="already the first"):
        svc.shift_section(workspace, sub, -1)
    with pytest.raises(svc.SectionError, match="inside one of its own"):
        svc.move_section(workspace, first.id, new_id, 0)
    svc.move_section(workspace, first.id, None, 5)
    assert _by_title(workspace, "Executive summary").number == "6"
    assert any("Moved section" in line for line in _log(workspace))


def test_approval_waits_for_resolved_comments_and_is_logged(workspace: Workspace) -> None:
    row = _outline(workspace)[3]
    with pytest.raises(WorkflowError, match="Section 4 cannot be approved: it names no reviewer"):
        svc.set_status(workspace, row.id, APPROVED)
    section_saves.save_details(
        workspace, row.id, section_saves.load_details(workspace, row.id), reviewer="Anne Reader"
    )
    with pytest.raises(WorkflowError, match="Section 4 cannot be approved: it has no text yet"):
        svc.set_status(workspace, row.id, APPROVED)
    svc.save_body(workspace, row.id, "word " * 601)
    with pytest.raises(WorkflowError, match="1 over its limit of 600"):
        svc.set_status(workspace, row.id, APPROVED)
    svc.save_body(workspace, row.id, "Keep all 41 products, refreshing eight of them.")
    comment_id = svc.add_comment(workspace, row.id, "Say how many councils use the products.")
    with pytest.raises(WorkflowError, match=r"Section 4 cannot be approved: it has 1 unresolved"):
        svc.set_status(workspace, row.id, APPROVED)
    svc.set_comment_resolved(workspace, comment_id, True)
    svc.set_status(workspace, row.id, APPROVED)
    assert _outline(workspace)[3].status == APPROVED
    # Its first words moved it to drafting; approval is logged from there.
    assert any("status: drafting → approved" in line for line in _log(workspace))


def test_delete_and_restore_keep_the_subtree_with_everything_on_it(workspace: Workspace) -> None:
    parent = _outline(workspace)[1]
    child = svc.add_section(workspace, "Track record", parent_id=parent.id)
    svc.save_body(workspace, child, "We have **done** this.")
    svc.add_comment(workspace, child, "Add dates.")
    with workspace.edit("link task") as session:
        task = session.scalars(select(Task)).first()
        assert task is not None
        task.section_id = child
        task_id = task.id
    with workspace.reading() as session:
        before = {
            model.__name__: sorted(r.uuid for r in session.scalars(select(model)))
            for model in MODELS_WITH_UUIDS
        }
    recorded: list[RecordedEdit] = []
    workspace.on_recorded(recorded.append)
    svc.delete_section(workspace, parent.id)
    titles = [row.title for row in _outline(workspace)]
    assert "Track record" not in titles and parent.title not in titles
    workspace.take_back(recorded[-1])  # what Edit > Undo does
    with workspace.reading() as session:
        after = {
            model.__name__: sorted(r.uuid for r in session.scalars(select(model)))
            for model in MODELS_WITH_UUIDS
        }
        assert session.get(Section, child).body == "We have **done** this."  # type: ignore[union-attr]
        assert session.get(Task, task_id).section_id == child  # type: ignore[union-attr]
    assert after == before
    assert _by_title(workspace, "Track record").number == "2.1"


def _version_count(workspace: Workspace, section_id: int) -> int:
    with workspace.reading() as session:
        return int(
            session.scalar(select(func.count()).where(SectionVersion.section_id == section_id)) or 0
        )


def test_versions_at_most_one_a_minute_and_no_duplicates(workspace: Workspace) -> None:
    sid = _outline(workspace)[0].id
    t0 = utc_now()
    assert svc.save_body(workspace, sid, "a", now=t0) is not None
    svc.save_body(workspace, sid, "ab", now=t0 + timedelta(seconds=20))
    svc.save_body(workspace, sid, "abc", now=t0 + timedelta(seconds=40))
    assert _version_count(workspace, sid) == 1
    assert svc.save_body(workspace, sid, "abc", now=t0 + timedelta(seconds=90)) is None
    svc.save_body(workspace, sid, "abcd", now=t0 + timedelta(seconds=90))
    assert _version_count(workspace, sid) == 2
    bodies = [v.body for v in svc.versions(workspace, sid)]
    assert bodies == ["abcd", "abc"]


def test_restoring_a_version_is_itself_a_new_version(workspace: Workspace) -> None:
    sid = _outline(workspace)[0].id
    t0 = utc_now() - timedelta(minutes=10)
    svc.save_body(workspace, sid, "first text", now=t0)
    svc.save_body(workspace, sid, "second text", now=t0 + timedelta(minutes=2))
    old = svc.versions(workspace, sid)[-1]
    svc.restore_version(workspace, old.id)
    with workspace.reading() as session:
        rows = svc.versions(workspace, sid)
        assert session.get(Section, sid).body == "first text"  # type: ignore[union-attr]
    assert len(rows) == 3
    assert rows[0].body == "first text" and rows[0].note.startswith("restored from")


def test_find_and_replace_across_sections(workspace: Workspace) -> None:
    rows = _outline(workspace)
    svc.save_body(workspace, rows[0].id, "The CRM Academy and the crm academy site.")
    svc.save_body(workspace, rows[5].id, "Promote the CRM Academy widely.")
    hits = svc.find_in_sections(workspace, "CRM Academy")
    exact = svc.find_in_sections(workspace, "CRM Academy", match_case=True)
    assert [(h.label, h.count) for h in hits] == [("1", 2), ("6", 1)]
    assert sum(h.count for h in exact) == 2
    assert svc.replace_in_sections(workspace, "CRM Academy", "Academy", match_case=True) == 2
    with workspace.reading() as session:
        assert session.get(Section, rows[5].id).body == "Promote the Academy widely."  # type: ignore[union-attr]
    with pytest.raises(svc.SectionError, match="Type the text"):
        svc.replace_in_sections(workspace, "", "x")


def test_only_underline_html_is_honoured() -> None:
    rendered = svc.markdown_to_html("<u>under</u> <b>not bold</b>\n\n<div>block</div>\n")
    assert "<u>under</u>" in rendered
    assert "<b>" not in rendered and "&lt;b&gt;" in rendered
    assert "&lt;div&gt;" in rendered


@pytest.mark.parametrize(
    "body",
    [
        "Tab\there, bell \x07, form feed \x0c and a vertical tab \x0b end.",
        "مرحبا، هذه فقرة من اليمين إلى اليسار. עברית גם כן.",
        "Emoji 😀👍🏽 family 👨‍👩‍👧 flags 🇬🇧",
    ],
)
def test_awkward_text_is_stored_without_loss(workspace: Workspace, body: str) -> None:
    sid = _outline(workspace)[0].id
    svc.save_body(workspace, sid, body)
    with workspace.reading() as session:
        assert session.get(Section, sid).body == body  # type: ignore[union-attr]


def test_a_megabyte_of_text_is_stored(workspace: Workspace) -> None:
    sid = _outline(workspace)[0].id
    body = ("word " * 200 + "\n\n") * 1050
    assert len(body) > 1_000_000
    svc.save_body(workspace, sid, body)
    with workspace.reading() as session:
        assert session.get(Section, sid).body == body  # type: ignore[union-attr]
        assert svc.word_count(body, include_tables=True) == 210_000
