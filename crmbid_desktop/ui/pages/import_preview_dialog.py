"""The preview shown before partners are imported: added, updated and rejected rows."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.spreadsheets.partner_import import ImportPreview, report_lines
from crmbid_desktop.ui.widgets import name_widget


def _tree(name: str, accessible: str, headers: list[str], rows: list[list[str]]) -> QTreeWidget:
    tree = QTreeWidget()
    name_widget(tree, name, accessible)
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.addTopLevelItems([QTreeWidgetItem(row) for row in rows])
    for column in range(len(headers)):
        tree.resizeColumnToContents(column)
    return tree


class ImportPreviewDialog(QDialog):
    """Import or Cancel: nothing is written until the user presses Import."""

    def __init__(self, preview: ImportPreview, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("importPreviewDialog")
        self.setWindowTitle(f"Import partners from {preview.source.name}")
        self.resize(820, 480)
        summary = QLabel("\n".join([report_lines(preview)[0], *_notes(preview)]))
        summary.setObjectName("importSummary")
        summary.setWordWrap(True)

        tabs = QTabWidget()
        name_widget(tabs, "importTabs", "Import preview")
        tabs.addTab(
            _tree(
                "importAdded",
                "Councils to add",
                ["Council", "Rows"],
                [[p.name, ", ".join(map(str, p.rows))] for p in preview.to_add],
            ),
            f"To add ({len(preview.to_add)})",
        )
        tabs.addTab(
            _tree(
                "importUpdated",
                "Councils to update",
                ["Council", "Rows", "Changes"],
                [
                    [p.name, ", ".join(map(str, p.rows)), "; ".join(p.changes)]
                    for p in preview.to_update
                ],
            ),
            f"To update ({len(preview.to_update)})",
        )
        tabs.addTab(
            _tree(
                "importRejected",
                "Rejected rows",
                ["Row", "Reason"],
                [[r.where(), r.reason] for r in preview.rejected],
            ),
            f"Rejected ({len(preview.rejected)})",
        )
        if preview.rejected and not preview.has_changes:
            tabs.setCurrentIndex(2)

        self.buttons = QDialogButtonBox()
        self.import_button = self.buttons.addButton(
            "&Import", QDialogButtonBox.ButtonRole.AcceptRole
        )
        name_widget(self.import_button, "importConfirmButton", "Import the councils listed")
        self.import_button.setEnabled(preview.has_changes)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        name_widget(cancel, "importCancelButton", "Cancel the import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(tabs)
        layout.addWidget(self.buttons)


def _notes(preview: ImportPreview) -> list[str]:
    notes = []
    if preview.rejected:
        notes.append("Rejected rows are left out; fix them in the file and import it again.")
    if preview.ignored_columns:
        notes.append("Columns ignored: " + ", ".join(preview.ignored_columns))
    notes += [f"After the import: {warning}" for warning in preview.warnings]
    return notes
