"""Criteria page: weights edited in place with a live total, the matrix ticks, notes and gaps."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import criteria as criteria_service
from crmbid_desktop.services.views.checklist import written_sections
from crmbid_desktop.store.models import Criterion, SectionCriterion
from crmbid_desktop.ui.colours import text_colour
from crmbid_desktop.ui.pages.criteria_page import WEIGHT, CriteriaPage
from tests.helpers.qt import assert_controls_named, child


@pytest.fixture
def page(qtbot: QtBot, workspace: Workspace) -> CriteriaPage:
    widget = CriteriaPage(workspace)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_models_and_names(page: CriteriaPage, qtmodeltester: Any) -> None:
    qtmodeltester.check(page.model)
    qtmodeltester.check(page.matrix_model)
    assert_controls_named(page)
    # Equal weights are said to be the team's assumption, not the department's.
    assert page.total_label.text() == (
        "Weights total 100% (equal weights: assumed until ODPM says otherwise)"
    )
    legend = child(page, QLabel, "criteriaLegend").text()
    assert "<b>C1</b> Strategic fit and understanding" in legend
    assert "<b>C10</b>" in legend
    assert page.model.rowCount() == 10
    assert page.matrix_model.columnCount() == 10
    assert page.matrix_model.rowCount() == 13  # the appendices are not marked


def test_weight_edit_updates_the_total_live(page: CriteriaPage, workspace: Workspace) -> None:
    index = page.model.index(0, WEIGHT)
    assert page.model.setData(index, "15")
    assert page.total_label.text().startswith("Weights total 105%: 5% too much")
    assert text_colour("danger", page).name() in page.total_label.styleSheet()
    assert page.model.setData(index, "10%")
    assert page.total_label.text().startswith("Weights total 100%")
    with workspace.reading() as session:
        first = session.scalars(select(Criterion).order_by(Criterion.position)).first()
        assert first is not None and first.weight_bp == 1000


def test_bad_weight_is_refused_with_a_message(
    page: CriteriaPage, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[str] = []
    monkeypatch.setattr(page, "_tell", said.append)
    assert not page.model.setData(page.model.index(1, WEIGHT), "lots")
    assert "Capacity and partnership" in said[0] and "“lots” is not a weight" in said[0]


def _write_every_section(workspace: Workspace) -> None:
    from crmbid_desktop.services.registers import sections as section_service

    with workspace.reading() as session:
        ids = [row.id for row in section_service.outline(session)]
    for section_id in ids:
        section_service.save_body(workspace, section_id, "Our partnership will do this.")


def test_unticking_shows_gaps_and_notes_are_kept(page: CriteriaPage, workspace: Workspace) -> None:
    _write_every_section(workspace)
    page.refresh()
    model = page.matrix_model
    assert model.matrix is not None
    # Section 8 (row 7) is the only one addressing criterion C5 (column 4).
    cell = model.index(7, 4)
    assert model.data(cell, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert model.setData(cell, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert model.headerData(4, Qt.Orientation.Horizontal).startswith("⚠ C5")
    assert model.headerData(7, Qt.Orientation.Vertical).startswith("⚠ 8 Business model")
    assert model.data(model.index(0, 4), Qt.ItemDataRole.BackgroundRole) is not None
    assert "Criteria addressed by no section: A financially sustainable" in page.gap_label.text()
    assert "8 Business model and funding" in page.gap_label.text()

    assert model.setData(cell, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole)
    page.matrix_view.setCurrentIndex(cell)
    assert page.note_edit.isEnabled()
    page.note_edit.setText("Budget table, years 1–3")
    page.note_edit.editingFinished.emit()
    assert model.data(cell) == "Budget table, years 1–3"
    with workspace.reading() as session:
        notes = [link.note for link in session.scalars(select(SectionCriterion))]
    assert "Budget table, years 1–3" in notes
    assert page.gap_label.text().startswith("Every criterion is addressed")


def test_a_link_to_a_section_without_text_is_not_coverage(
    page: CriteriaPage, workspace: Workspace
) -> None:
    """The gap line and the dashboard use one rule: only a section with text addresses."""
    from crmbid_desktop.services.registers import sections as section_service
    from crmbid_desktop.services.views import dashboard as dashboard_service

    # The sample's sections are linked but empty: no criterion is addressed yet.
    text = page.gap_label.text()
    assert text.startswith("⚠ Criteria linked only to sections with no text yet: ")
    assert "A financially sustainable" in text
    assert page.matrix_model.headerData(4, Qt.Orientation.Horizontal).startswith("⚠ C5")
    tip = page.matrix_model.headerData(4, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert tip.endswith("linked only to sections with no text yet")

    # Section 8 alone addresses C5: once it has words, C5 is covered on both pages.
    section_8 = page.matrix_model.matrix.sections[7]  # type: ignore[union-attr]
    section_service.save_body(workspace, section_8.id, "Councils pay a yearly subscription.")
    page.refresh()
    assert "A financially sustainable" not in page.gap_label.text()
    assert not page.matrix_model.headerData(4, Qt.Orientation.Horizontal).startswith("⚠")
    board = dashboard_service.progress(workspace)
    uncovered = [title for _id, title in board.coverage.uncovered]
    gap_titles = [
        c.title
        for c in page.matrix_model.matrix.criteria  # type: ignore[union-attr]
        if c.id in page.matrix_model.matrix.gaps.uncovered_criteria  # type: ignore[union-attr]
    ]
    assert uncovered == gap_titles and len(uncovered) == 9
    # Markup alone is not text.
    section_service.save_body(workspace, section_8.id, "## \n\n---\n")
    page.refresh()
    assert "A financially sustainable" in page.gap_label.text()


def test_delete_criterion_is_undoable(
    page: CriteriaPage, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(page, "_confirm", lambda _title, _text: True)
    page.table.setCurrentIndex(page.model.index(0, 0))
    with workspace.reading() as session:
        before = sorted(link.uuid for link in session.scalars(select(SectionCriterion)))
    page.delete_current()
    assert page.model.rowCount() == 9
    assert page.total_label.text().startswith("Weights total 90%: 10% still to give")
    page.undo_stack.undo()
    assert page.model.rowCount() == 10
    with workspace.reading() as session:
        after = sorted(link.uuid for link in session.scalars(select(SectionCriterion)))
    assert after == before


def test_add_criterion_service(workspace: Workspace) -> None:
    new_id = criteria_service.add_criterion(workspace, "Value for money", 500)
    matrix = criteria_service.matrix(workspace, written_sections(workspace))
    assert new_id in matrix.gaps.uncovered_criteria
    assert matrix.weight_message.startswith("Weights total 105%")
    with pytest.raises(criteria_service.CriterionError, match="needs a title"):
        criteria_service.add_criterion(workspace, "  ")
