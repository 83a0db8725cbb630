"""File > Backups…: the open bid's automatic backups, and restoring one as a new file."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.paths import BID_SUFFIX
from crmbid_desktop.services.bid.backups import BackupEntry
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import heading, name_widget


def format_size(size_bytes: int) -> str:
    if size_bytes < 1024 * 1024:
        return f"{max(1, round(size_bytes / 1024))} KB"
    return f"{size_bytes / (1024 * 1024):.1f} MB"


def _count(value: int | None) -> str:
    return "—" if value is None else str(value)


BACKUP_COLUMNS: list[Column[BackupEntry]] = [
    Column(
        "Taken",
        lambda b: f"{format_date(b.taken_at.date())} {b.taken_at:%H:%M:%S}",
        sort_value=lambda b: b.taken_at.isoformat(),
        tooltip=lambda b: str(b.path),
    ),
    Column("Size", lambda b: format_size(b.size_bytes), lambda b: b.size_bytes, align_right=True),
    Column("Partners", lambda b: _count(b.partners), lambda b: b.partners or 0, align_right=True),
    Column("Tasks", lambda b: _count(b.tasks), lambda b: b.tasks or 0, align_right=True),
    Column("Sections", lambda b: _count(b.sections), lambda b: b.sections or 0, align_right=True),
    Column("State", lambda b: "readable" if b.readable else "cannot be read"),
]


class BackupsDialog(QDialog):
    """Lists the backups; "Restore as new file…" asks for a name and emits `restore_requested`."""

    restore_requested = Signal(Path, Path)  # backup, new file

    def __init__(
        self,
        bid_path: Path,
        entries: list[BackupEntry],
        backups_folder: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("backupsDialog")
        self.setWindowTitle(f"Backups of {bid_path.name}")
        self.bid_path = bid_path
        self.model: RowTableModel[BackupEntry] = RowTableModel(BACKUP_COLUMNS, entries)

        intro = QLabel(
            "CRM Bid Desktop backs the bid up when you open it, every 10 minutes while you "
            "change it, and when you close it. It keeps every backup of the last day, one a "
            "day for two weeks and one a week after that. Restoring makes a new file; the bid "
            f"you have open is never replaced.\n\nBackups are kept in {backups_folder}"
        )
        intro.setObjectName("backupsIntro")
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.view = QTableView()
        name_widget(self.view, "backupsTable", "Table of backups")
        self.view.setTabKeyNavigation(False)  # arrows move between rows; Tab leaves
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.resizeColumnsToContents()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.doubleClicked.connect(lambda _index: self.ask_restore())

        self.empty_label = QLabel("No backups of this bid yet.")
        self.empty_label.setObjectName("backupsEmpty")
        self.empty_label.setVisible(not entries)

        self.restore_button = QPushButton("Restore as new file…")
        name_widget(self.restore_button, "restoreBackupButton", "Restore as new file")
        self.restore_button.clicked.connect(self.ask_restore)
        close_button = QPushButton("Close")
        name_widget(close_button, "closeBackupsButton", "Close")
        close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading("Backups", "backupsHeading"))
        layout.addWidget(intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty_label)
        layout.addLayout(buttons)
        self.resize(760, 460)
        if entries:
            self.view.selectRow(0)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None)

    def selected(self) -> BackupEntry | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        entry = rows[0].data(ROW_ROLE)
        return entry if isinstance(entry, BackupEntry) else None

    def suggested_name(self, entry: BackupEntry) -> Path:
        stamp = entry.taken_at.strftime("%Y-%m-%d %H%M")
        return self.bid_path.with_name(f"{self.bid_path.stem} restored {stamp}{BID_SUFFIX}")

    def ask_restore(self) -> None:
        entry = self.selected()
        if entry is None:
            return
        target, _ = QFileDialog.getSaveFileName(
            self,
            "Restore the backup as a new bid file",
            str(self.suggested_name(entry)),
            f"CRM bids (*{BID_SUFFIX})",
        )
        if not target:
            return
        path = Path(target)
        if path.suffix.lower() != BID_SUFFIX:
            path = path.with_name(path.name + BID_SUFFIX)
        self.restore_requested.emit(entry.path, path)
        self.accept()
