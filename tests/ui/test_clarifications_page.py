"""The clarification log: an answer sends affected approved sections back to review, saying why."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from crmbid_desktop.domain.section_workflow import APPROVED, DRAFTING, READY_FOR_REVIEW
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import clarifications as svc
from crmbid_desktop.services.registers import section_saves
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.pages.clarifications_page import ClarificationsPage
from tests.helpers.qt import assert_controls_named


def _sections(workspace: Workspace) -> list[section_service.SectionInfo]:
    with workspace.reading() as session:
        return section_service.outline(session)


def _approve(workspace: Workspace, section_id: int) -> None:
    """Approval needs a named reviewer and some text within the limit."""
    section_saves.save_details(
        workspace,
        section_id,
        section_saves.load_details(workspace, section_id),
        reviewer="Anne Reader",
    )
    section_service.save_body(workspace, section_id, "Subscriptions cover the running costs.")
    section_service.set_status(workspace, section_id, APPROVED)


def test_answer_sends_approved_sections_back_with_a_note(workspace: Workspace) -> None:
    rows = _sections(workspace)
    funding, governance = rows[7], rows[8]
    _approve(workspace, funding.id)
    section_service.set_status(workspace, governance.id, DRAFTING)
    qid = svc.add_question(
        workspace,
        "May the owner charge councils for premium products?",
        date(2005, 8, 30),
        {funding.id, governance.id},
    )
    answer = svc.QuestionForm(
        "May the owner charge councils for premium products?",
        date(2005, 8, 30),
        frozenset({funding.id, governance.id}),
        "Yes, if the core stays free.",
        date(2005, 9, 1),
    )
    loaded = svc.question_loaded(svc.clarifications(workspace)[0])
    sent = svc.save_question(workspace, qid, loaded, answer)
    assert sent.sent_back == ("8",) and sent.result.written == ("answer", "answered_on")
    after = {row.id: row for row in _sections(workspace)}
    assert after[funding.id].status == READY_FOR_REVIEW
    assert after[governance.id].status == DRAFTING  # only approved sections go back
    notes = section_service.comments(workspace, funding.id)
    logged = svc.clarifications(workspace)[0]
    assert notes[-1].author == svc.CLARIFICATION_AUTHOR and not notes[-1].resolved
    assert "Thu 1 Sep 2005" in notes[-1].text and "premium products" in notes[-1].text
    assert logged.answer == "Yes, if the core stays free." and logged.section_labels == "8, 9"
    with pytest.raises(svc.ClarificationError, match="Write the department's answer"):
        svc.save_question(workspace, qid, loaded, replace(answer, answer=" "))


def test_page_logs_a_question_and_records_its_answer(
    qtbot: QtBot, workspace: Workspace, qtmodeltester: Any
) -> None:
    risks = _sections(workspace)[10]
    _approve(workspace, risks.id)
    page = ClarificationsPage(workspace)
    qtbot.addWidget(page)
    assert_controls_named(page)
    page.new_question()
    page.question.setPlainText("Will ODPM fund the transition?")
    page.asked_on.setText("30/08/2005")
    for i in range(page.sections.count()):
        item = page.sections.item(i)
        if item.data(Qt.ItemDataRole.UserRole) == risks.id:
            item.setCheckState(Qt.CheckState.Checked)
    page.save_question()
    assert page.model.rowCount() == 1
    qtmodeltester.check(page.model)
    page.answer.setPlainText("No transition funding after March 2006.")
    page.answered_on.setText("1/9/2005")
    page.record_answer()
    assert "Sent back to ready for review: section 11" in page.message.text()
    assert page.model.row_at(0).answered_on == date(2005, 9, 1)
    assert {r.id: r for r in _sections(workspace)}[risks.id].status == READY_FOR_REVIEW


def test_bad_date_is_named_and_delete_is_undoable(
    qtbot: QtBot, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    page = ClarificationsPage(workspace)
    qtbot.addWidget(page)
    monkeypatch.setattr(page, "_tell", said.append)
    monkeypatch.setattr(page, "_confirm", lambda _title, _text: True)
    page.question.setPlainText("Page limit?")
    page.asked_on.setText("32/08/2005")
    page.save_question()
    assert said and "Asked on '32/08/2005'" in said[0]
    page.asked_on.setText("")
    page.save_question()
    assert page.model.rowCount() == 1
    page.delete_current()
    assert page.model.rowCount() == 0
    page.undo_stack.undo()
    assert page.model.rowCount() == 1
