"""The History tab: a section's versions, a side-by-side comparison of any two, and restore."""

from __future__ import annotations

import html
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain import textdiff
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.background_diffs import COMPARING, BackgroundDiffs
from crmbid_desktop.ui.colours import PaletteSource, background_colour, text_colour
from crmbid_desktop.ui.widgets import name_widget, tidy_form


def _span_style(kind: str, source: PaletteSource) -> str:
    """Removed words struck through, added ones underlined: the meaning is not in colour alone."""
    line = "line-through" if kind == "removed" else "underline"
    return (
        f"background-color:{background_colour(kind, source).name()};"
        f" color:{text_colour(kind, source).name()}; text-decoration:{line}"
    )


def _spans(spans: tuple[textdiff.Span, ...], style: str) -> str:
    return "".join(
        f'<span style="{style}">{html.escape(s.text)}</span>' if s.changed else html.escape(s.text)
        for s in spans
    )


def comparison_html(old: str, new: str, source: PaletteSource = None) -> str:
    """Two columns, old on the left and new on the right, changed words highlighted.

    Colours suit `source`'s palette (a widget, a palette, or the application's), light or dark.
    """
    return rows_html(textdiff.compare(old, new), source)


def rows_html(rows: list[textdiff.DiffRow], source: PaletteSource = None) -> str:
    """The comparison table for `textdiff.compare`'s rows (worked out beforehand, off-thread)."""
    removed, added = _span_style("removed", source), _span_style("added", source)
    changed_row = background_colour("changed", source).name()
    out = [
        '<table width="100%" cellspacing="0" cellpadding="3" border="1">',
        "<tr><th width='50%'>Older</th><th width='50%'>Newer</th></tr>",
    ]
    for row in rows:
        background = "" if row.kind == textdiff.SAME else f' bgcolor="{changed_row}"'
        out.append(
            f"<tr{background}><td style='white-space:pre-wrap'>{_spans(row.left, removed)}</td>"
            f"<td style='white-space:pre-wrap'>{_spans(row.right, added)}</td></tr>"
        )
    out.append("</table>")
    changes = textdiff.change_count(rows)
    return f"<p>{changes} lines differ.</p>" + "".join(out)


class CompareDialog(QDialog):
    """Pick any two versions and see them side by side."""

    def __init__(self, versions: list[section_service.VersionRow], parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("compareVersionsDialog")
        self.setWindowTitle("Compare versions")
        self.versions = versions
        self.older = QComboBox()
        name_widget(self.older, "olderVersion", "Older version")
        self.newer = QComboBox()
        name_widget(self.newer, "newerVersion", "Newer version")
        for combo in (self.older, self.newer):
            for version in versions:
                combo.addItem(version.label, version.id)
        self.older.setCurrentIndex(min(1, len(versions) - 1))
        self.newer.setCurrentIndex(0)
        self.view = QTextBrowser()
        name_widget(self.view, "versionComparison", "Comparison of the two versions")
        form = tidy_form(QFormLayout())
        form.addRow("Older (left):", self.older)
        form.addRow("Newer (right):", self.newer)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("compareButtons")
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name_widget(close, "closeComparison", "Close")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.view, 1)
        layout.addWidget(buttons)
        # Versions are compared on a worker, each pair once, so a huge or hostile pair never
        # freezes the window; moving to another pair drops the one that waited.
        self.diffs = BackgroundDiffs(self)
        self.diffs.ready.connect(self._compared)
        self.diffs.failed.connect(self._not_compared)
        self._shown: tuple[int, int] | None = None
        self.older.currentIndexChanged.connect(self.update_view)
        self.newer.currentIndexChanged.connect(self.update_view)
        self.resize(1000, 640)
        self.update_view()

    def select(self, older_id: int, newer_id: int) -> None:
        self.older.setCurrentIndex(self.older.findData(older_id))
        self.newer.setCurrentIndex(self.newer.findData(newer_id))

    def update_view(self) -> None:
        by_id = {v.id: v for v in self.versions}
        older = by_id.get(self.older.currentData())
        newer = by_id.get(self.newer.currentData())
        if not (older and newer):
            return
        old, new = older.body, newer.body
        self._shown = key = (older.id, newer.id)
        rows = self.diffs.get(key, lambda: textdiff.compare(old, new))
        if rows is None:
            self.view.setPlainText(COMPARING)
        else:
            self.view.setHtml(rows_html(rows, self.view))

    def _compared(self, key: object, rows: list[textdiff.DiffRow]) -> None:
        if key == self._shown:
            self.view.setHtml(rows_html(rows, self.view))

    def _not_compared(self, key: object, error: BaseException) -> None:
        if key == self._shown:
            self.view.setPlainText(f"These versions could not be compared ({error}).")

    def done(self, result: int) -> None:
        # A comparison still running must not call back into a closed window.
        self.diffs.wait_idle()
        super().done(result)


class HistoryPanel(QWidget):
    def __init__(self, workspace: Workspace, on_restored: Callable[[], None]) -> None:
        super().__init__()
        self.workspace = workspace
        self._on_restored = on_restored
        self.section_id: int | None = None
        self.rows: list[section_service.VersionRow] = []
        self.list = QListWidget()
        name_widget(self.list, "sectionVersions", "Saved versions of this section")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.compare_button = QPushButton("Compare…")
        name_widget(self.compare_button, "compareVersions", "Compare two versions")
        self.compare_button.clicked.connect(self.compare)
        self.restore_button = QPushButton("Restore this version")
        name_widget(self.restore_button, "restoreVersion", "Restore the chosen version")
        self.restore_button.clicked.connect(self.restore)
        note = QLabel(
            "A version is kept at most once a minute while typing. Select two versions to "
            "compare them; restoring keeps the current text as a version too."
        )
        note.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.restore_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)

    def show_section(self, section_id: int | None) -> None:
        self.section_id = section_id
        self.list.clear()
        self.rows = []
        if section_id is not None:
            self.rows = section_service.versions(self.workspace, section_id)
        for row in self.rows:
            item = QListWidgetItem(f"{row.label} ({row.saved_by or 'unknown'})")
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.setEnabled(section_id is not None)

    def chosen_ids(self) -> list[int]:
        return [int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()]

    def compare_dialog(self) -> CompareDialog | None:
        if len(self.rows) < 2:
            return None
        dialog = CompareDialog(self.rows, self)
        chosen = sorted(self.chosen_ids(), key=[r.id for r in self.rows].index)
        if len(chosen) >= 2:
            dialog.select(chosen[-1], chosen[0])
        return dialog

    def compare(self) -> None:
        dialog = self.compare_dialog()
        if dialog is not None:
            dialog.exec()

    def restore(self) -> None:
        chosen = self.chosen_ids()
        if len(chosen) != 1:
            return
        section_service.restore_version(self.workspace, chosen[0])
        self._on_restored()
