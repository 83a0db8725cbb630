"""The Reviews tab: a section's comments, who wrote them and when, resolved or not."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.widgets import name_widget


class ReviewsPanel(QWidget):
    """Comments on the chosen section; a section with unresolved ones cannot be approved."""

    def __init__(self, workspace: Workspace, on_changed: Callable[[], None]) -> None:
        super().__init__()
        self.workspace = workspace
        self._on_changed = on_changed
        self.section_id: int | None = None
        self.summary = QLabel()
        self.summary.setObjectName("reviewSummary")
        self.comments = QTreeWidget()
        name_widget(self.comments, "reviewComments", "Review comments on this section")
        self.comments.setHeaderLabels(["Resolved", "Author", "Written", "Comment"])
        self.comments.setRootIsDecorated(False)
        self.comments.setWordWrap(True)
        self.comments.itemChanged.connect(self._resolved_ticked)
        self.new_comment = QPlainTextEdit()
        name_widget(self.new_comment, "newReviewComment", "New review comment")
        self.new_comment.setPlaceholderText("Write a review comment on this section…")
        self.new_comment.setMaximumHeight(80)
        # Tab reaches "Add comment" (a keyboard user could not leave the box otherwise).
        self.new_comment.setTabChangesFocus(True)
        self.add_button = QPushButton("Add comment")
        name_widget(self.add_button, "addReviewComment", "Add review comment")
        self.add_button.clicked.connect(self.add_comment)
        self.add_button.setProperty("editsBid", True)
        row = QHBoxLayout()
        row.addWidget(self.new_comment, 1)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.comments, 1)
        layout.addLayout(row)

    def show_section(self, section_id: int | None) -> None:
        self.section_id = section_id
        self.comments.blockSignals(True)
        self.comments.clear()
        rows: list[section_service.CommentRow] = []
        if section_id is not None:
            rows = section_service.comments(self.workspace, section_id)
        for row in rows:
            item = QTreeWidgetItem(
                [
                    "",
                    row.author,
                    f"{format_date(row.written_at.date())} {row.written_at:%H:%M}",
                    row.text,
                ]
            )
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(
                0, Qt.CheckState.Checked if row.resolved else Qt.CheckState.Unchecked
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(3, row.text)
            self.comments.addTopLevelItem(item)
        self.comments.blockSignals(False)
        for column in range(3):
            self.comments.resizeColumnToContents(column)
        open_count = sum(1 for row in rows if not row.resolved)
        self.summary.setText(
            f"{len(rows)} comments, {open_count} unresolved"
            + (" — resolve them before the section can be approved." if open_count else ".")
        )
        self.setEnabled(section_id is not None)

    @property
    def unresolved(self) -> int:
        count = 0
        for index in range(self.comments.topLevelItemCount()):
            item = self.comments.topLevelItem(index)
            if item is not None and item.checkState(0) != Qt.CheckState.Checked:
                count += 1
        return count

    def add_comment(self) -> None:
        if self.section_id is None or not self.new_comment.toPlainText().strip():
            return
        section_service.add_comment(self.workspace, self.section_id, self.new_comment.toPlainText())
        self.new_comment.clear()
        self.show_section(self.section_id)
        self._on_changed()

    def _resolved_ticked(self, item: QTreeWidgetItem, column: int) -> None:
        if column != 0:
            return
        comment_id = int(item.data(0, Qt.ItemDataRole.UserRole))
        resolved = item.checkState(0) == Qt.CheckState.Checked
        section_service.set_comment_resolved(self.workspace, comment_id, resolved)
        self.show_section(self.section_id)
        self._on_changed()
