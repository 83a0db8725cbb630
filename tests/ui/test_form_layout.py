"""One form layout everywhere: at 1024×768 no field drops under its label, labels and fields
line up, loaded text shows from its start, and buttons keep their own width."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QLineEdit,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from crmbid_desktop.ui.main_window import PAGES, MainWindow
from crmbid_desktop.ui.widgets import LABEL_GAP, ROW_SPACING
from tests.helpers.qt import child


def _forms_shown(page: QWidget) -> list[QFormLayout]:
    forms = []
    for form in page.findChildren(QFormLayout):
        parent = form.parentWidget()
        if parent is not None and parent.isVisible():
            forms.append(form)
    return forms


def _check_rows(form: QFormLayout, where: str) -> int:
    checked = 0
    assert form.rowWrapPolicy() == QFormLayout.RowWrapPolicy.DontWrapRows, where
    assert form.horizontalSpacing() == LABEL_GAP and form.verticalSpacing() == ROW_SPACING, where
    labels_left = set()
    for row in range(form.rowCount()):
        label = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
        field = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
        if label is None or field is None:
            continue
        widget = label.widget()
        if widget is None:
            continue
        text = getattr(widget, "text", lambda: "")()
        if not text or not widget.isVisible():
            continue
        label_box, field_box = label.geometry(), field.geometry()
        # Beside its label, not under it: the field starts above the label's bottom edge.
        assert field_box.top() < label_box.bottom(), f"{where}: “{text}” field is under it"
        assert field_box.left() > label_box.left(), f"{where}: “{text}”"
        labels_left.add(label_box.left())
        checked += 1
    assert len(labels_left) <= 1, f"{where}: labels start at {sorted(labels_left)}"
    return checked


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
def test_no_field_drops_under_its_label_on_any_page(
    qtbot: Any, main_window: MainWindow, size: tuple[int, int]
) -> None:
    main_window.resize(*size)
    checked = 0
    for index, spec in enumerate(PAGES):
        main_window.go_to(index)
        page = main_window.current_page()
        QApplication.processEvents()
        tabs_list = [t for t in page.findChildren(QTabWidget) if t.isVisible()]
        tab_counts = [range(t.count()) for t in tabs_list] or [range(1)]
        each_tabs: list[QTabWidget | None] = [*tabs_list] or [None]
        for tabs, tab_range in zip(each_tabs, tab_counts, strict=True):
            for tab in tab_range:
                if tabs is not None:
                    tabs.setCurrentIndex(tab)
                    QApplication.processEvents()
                for form in _forms_shown(page):
                    checked += _check_rows(form, f"{spec.object_name} tab {tab}")
    assert checked >= 25  # partner, product, risk, clarification and export forms measured


def test_the_partner_form_keeps_each_combo_beside_its_label_at_1024(
    qtbot: Any, main_window: MainWindow
) -> None:
    main_window.resize(1024, 768)
    main_window.go_to(1)
    QApplication.processEvents()
    form = main_window.current_page().form  # type: ignore[attr-defined]
    for name in ("partnerType", "partnerRole", "partnerStatus"):
        combo = form.findChild(QWidget, name)
        label = form.findChild(QFormLayout).labelForField(combo)
        assert combo.y() < label.y() + label.height(), f"{name} is under its label"
    # And the whole form fits its pane: nothing is cut at the right edge.
    scroll = child(main_window.current_page(), QScrollArea, "partnerFormScroll")
    for edit in form.findChildren(QLineEdit):
        if edit.isVisible():
            right = edit.mapTo(scroll, edit.rect().topRight()).x()
            assert right <= scroll.viewport().width(), edit.objectName()
    # Loaded text reads from its start, never from the middle of a word.
    region = child(form, QLineEdit, "partnerRegion")
    assert region.text() == "Yorkshire and the Humber" and region.cursorPosition() == 0


def test_export_buttons_keep_their_own_width(qtbot: Any, main_window: MainWindow) -> None:
    main_window.resize(1024, 768)
    main_window.go_to(7)
    QApplication.processEvents()
    page = main_window.current_page()
    for name in ("exportButton", "exportDraftButton"):
        button = child(page, QWidget, name)
        assert button.width() <= button.sizeHint().width() + 4, name


def test_heat_map_impact_words_fit_a_narrow_column(qapp: QApplication) -> None:
    from PySide6.QtGui import QFont, QFontMetrics

    from crmbid_desktop.domain.risk_rules import IMPACT_LABELS
    from crmbid_desktop.ui.sustainability.heat_map import _impact_label_font

    small = QFont(qapp.font())
    small.setPointSizeF(7.65)
    font, stacked = _impact_label_font(small, 42)  # a 1024-pixel window's column
    assert stacked
    for word in IMPACT_LABELS.values():
        assert QFontMetrics(font).horizontalAdvance(word) <= 42, word
    wide, stacked = _impact_label_font(small, 200)  # the Word document's picture
    assert not stacked and wide.pointSizeF() == small.pointSizeF()


def test_the_shortcut_list_says_how_to_leave_the_section_text(
    qtbot: Any, main_window: MainWindow
) -> None:
    rows = main_window.shortcut_rows()
    keys = {(row.where, row.keys) for row in rows}  # type: ignore[attr-defined]
    assert ("Sections page", "Ctrl+Tab, Ctrl+Shift+Tab") in keys
