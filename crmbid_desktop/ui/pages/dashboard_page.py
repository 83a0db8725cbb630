"""Dashboard page: the next deadline, tasks in trouble, sections and word limits, coverage, sign-off."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QPainter, QPaintEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import dashboard as dashboard_service
from crmbid_desktop.services.views.checklist import checklist_for
from crmbid_desktop.ui.charts import RatioRing, StatusBar, word_bar_colour
from crmbid_desktop.ui.colours import fill_colour, text_colour
from crmbid_desktop.ui.pages.base import BID_TABLES, Page
from crmbid_desktop.ui.pages.word_counting import words_counted
from crmbid_desktop.ui.widgets import name_widget, rewrite_list

Dashboard = dashboard_service.Dashboard

AnyIndex = QModelIndex | QPersistentModelIndex
ITEM_ROLE = Qt.ItemDataRole.UserRole  # (kind, key) of the item a row opens
WORDS_ROLE = Qt.ItemDataRole.UserRole + 1  # (words, limit, level) for the bar
WORDS_COLUMN = 2

#: How each urgency of a next step reads, and its colour role (ui.colours); words and colour
#: say the same, so the list reads right to colour-blind users and screen readers too.
NEXT_STEP_LOOK = {
    dashboard_service.OVERDUE: ("Overdue", "danger"),
    dashboard_service.TODAY: ("Due today", "danger"),
    dashboard_service.BEHIND: ("Behind", "warning"),
    dashboard_service.THIS_WEEK: ("This week", "warning"),
    dashboard_service.TO_DO: ("To do", ""),
    dashboard_service.BEFORE_EXPORT: ("Before export", ""),
}
SUMMARY_WORDS = {
    dashboard_service.OVERDUE: "overdue",
    dashboard_service.TODAY: "due today",
    dashboard_service.BEHIND: "behind their due date",
    dashboard_service.THIS_WEEK: "due this week",
    dashboard_service.TO_DO: "still to sign off",
    dashboard_service.BEFORE_EXPORT: "to fix before export",
}

#: Chart colour of each section status (roles from ui.colours, so dark palettes work too).
STATUS_FILLS = {
    "not started": "neutral",
    "drafting": "accent",
    "ready for review": "warning",
    "approved": "ok",
}


class WordBarDelegate(QStyledItemDelegate):
    """The words column drawn as a bar: words / limit, amber within 10% of it, red over."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        value = index.data(WORDS_ROLE)
        if not value:
            super().paint(painter, option, index)
            return
        words, limit, level = value
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # selection background and focus, without the text
            plain = QStyleOptionViewItem(option)
            self.initStyleOption(plain, index)
            plain.text = ""
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)
        rect = QRectF(option.rect).adjusted(3, 4, -3, -4)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill_colour("track", widget))
        painter.drawRoundedRect(rect, 3, 3)
        share = min(words / limit, 1.0) if limit else 0.0
        painter.setBrush(word_bar_colour(level, widget))
        painter.drawRoundedRect(
            QRectF(rect.left(), rect.top(), rect.width() * share, rect.height()), 3, 3
        )
        painter.setPen(option.palette.text().color())
        painter.drawText(rect.adjusted(4, 0, -4, 0), Qt.AlignmentFlag.AlignCenter, index.data())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width() + option.fontMetrics.averageCharWidth() * 6, size.height() + 6)


def _list(name: str, accessible: str) -> QListWidget:
    widget = QListWidget()
    name_widget(widget, name, accessible)
    widget.setWordWrap(True)
    widget.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    # As tall as its few rows (up to about eight): the page scrolls, not every little list.
    widget.setSizeAdjustPolicy(QAbstractItemView.SizeAdjustPolicy.AdjustToContents)
    widget.setMaximumHeight(widget.fontMetrics().height() * 10)
    return widget


def _caption(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    return label


class DashboardPage(Page):
    title = "Dashboard"
    object_name = "dashboardPage"
    # A whole-bid summary: every table can change what it shows (see `update_rows`).
    shows_tables = BID_TABLES

    def __init__(
        self, workspace: Workspace, today: date | Callable[[], date] | None = None
    ) -> None:
        super().__init__(workspace)
        if isinstance(today, date):
            fixed = today
            self.today: Callable[[], date] = lambda: fixed
        else:
            self.today = today or workspace.today  # "plan as if today is …" when set
        self.board: Dashboard | None = None
        # What the sections tree and the next steps list show now, row by row: a refresh
        # rewrites only the rows that differ.
        self._shown_sections: list[dashboard_service.SectionProgress] = []
        self._shown_steps: list[dashboard_service.NextStep] = []
        self.rows_rewritten = 0  # rows of the sections and next-steps lists written: for tests
        self._changes_waiting = False

        self.bid_title = QLabel()
        self.bid_title.setObjectName("dashboardBidTitle")
        self.bid_title.setWordWrap(True)
        self.page_layout.addWidget(self.bid_title)

        # -- the next deadline -------------------------------------------------------------
        deadline_box = QGroupBox("Next external deadline")
        deadline_box.setObjectName("dashboardDeadlineBox")
        self.countdown = QLabel("Working out the dates…")
        self.countdown.setObjectName("dashboardCountdown")
        self.countdown.setWordWrap(True)
        self.countdown.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard)
        font = self.countdown.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        font.setBold(True)
        self.countdown.setFont(font)
        self.countdown_button = QPushButton("Show in the timetable")
        name_widget(
            self.countdown_button, "dashboardOpenDeadline", "Show the deadline in the timetable"
        )
        self.countdown_button.clicked.connect(self._open_deadline)
        deadline_column = QVBoxLayout(deadline_box)
        deadline_column.addWidget(self.countdown)
        deadline_column.addWidget(self.countdown_button, 0, Qt.AlignmentFlag.AlignLeft)

        # -- sections ---------------------------------------------------------------------
        sections_box = QGroupBox("Sections")
        sections_box.setObjectName("dashboardSectionsBox")
        self.status_bar = StatusBar("dashboardStatusChart", "Sections by status chart")
        self.status_caption = _caption("dashboardStatusCaption")
        self.sections = QTreeWidget()
        name_widget(self.sections, "dashboardSections", "Sections with their word limits")
        self.sections.setColumnCount(3)
        self.sections.setHeaderLabels(["Section", "Status", "Words / limit"])
        self.sections.setRootIsDecorated(False)
        self.sections.setUniformRowHeights(True)
        self.sections.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sections.setItemDelegateForColumn(WORDS_COLUMN, WordBarDelegate(self.sections))
        header = self.sections.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Sized to their contents once per rebuild (`_show_sections`), not on every cell change:
        # ResizeToContents would measure every row again for each rewritten cell.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WORDS_COLUMN, QHeaderView.ResizeMode.Interactive)
        self.sections.itemActivated.connect(self._tree_item_activated)
        sections_layout = QVBoxLayout(sections_box)
        sections_layout.addWidget(self.status_bar)
        sections_layout.addWidget(self.status_caption)
        sections_layout.addWidget(self.sections, 1)

        # -- what to do next ------------------------------------------------------------
        next_box = QGroupBox("What to do next")
        next_box.setObjectName("dashboardNextBox")
        self.next_caption = _caption("dashboardNextCaption")
        self.next_steps = QListWidget()
        name_widget(self.next_steps, "dashboardNextSteps", "What to do next")
        self.next_steps.setWordWrap(True)
        self.next_steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.next_steps.setSpacing(2)
        self.next_steps.setMinimumHeight(self.next_steps.fontMetrics().height() * 8)
        self.next_steps.itemActivated.connect(self._list_item_activated)
        next_layout = QVBoxLayout(next_box)
        next_layout.addWidget(self.next_caption)
        next_layout.addWidget(self.next_steps, 1)

        # -- criteria and partners ----------------------------------------------------------
        self.coverage_ring = RatioRing("dashboardCoverageChart", "Criteria coverage chart")
        self.coverage_caption = _caption("dashboardCoverageCaption")
        self.uncovered = _list("dashboardUncovered", "Criteria no section addresses")
        self.uncovered.itemActivated.connect(self._list_item_activated)
        coverage_box = self._ratio_box(
            "Criteria coverage",
            "dashboardCoverageBox",
            self.coverage_ring,
            self.coverage_caption,
            self.uncovered,
        )
        self.sign_off_ring = RatioRing("dashboardSignOffChart", "Partners' sign-off chart")
        self.sign_off_caption = _caption("dashboardSignOffCaption")
        self.waiting = _list("dashboardWaiting", "Partners not yet signed off")
        self.waiting.itemActivated.connect(self._list_item_activated)
        sign_off_box = self._ratio_box(
            "Partners' sign-off",
            "dashboardSignOffBox",
            self.sign_off_ring,
            self.sign_off_caption,
            self.waiting,
        )

        # What to do next comes first and takes the most room; the deadline, coverage and
        # sign-off stand beside it; every section's progress follows below.
        grid = QGridLayout()
        grid.addWidget(next_box, 0, 0, 3, 1)
        grid.addWidget(deadline_box, 0, 1)
        grid.addWidget(coverage_box, 1, 1)
        grid.addWidget(sign_off_box, 2, 1)
        grid.addWidget(sections_box, 3, 0, 1, 2)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(2, 1)
        grid.setRowStretch(3, 2)
        self.sections.setMinimumHeight(self.sections.fontMetrics().height() * 12)
        # Scrolls rather than forcing a tall window: laptops at 150% have little height.
        content = QWidget()
        content.setObjectName("dashboardContent")
        content.setLayout(grid)
        grid.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setObjectName("dashboardScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.page_layout.addWidget(scroll, 1)

        # What is read straight from the bid shows at once; the countdown in working days and the
        # overdue and at-risk tasks need the bank-holiday calendar and the critical path (about
        # a fifth of a second), so they follow right after the window's first paint.
        self._loaded = False
        self._timetable_scheduled = False
        # Word counts are work in proportion to the bid: they come with that full read too.
        self._show_progress(
            dashboard_service.progress(self.workspace, self.today(), count_words=False)
        )
        self._show_timetable_pending()

    @staticmethod
    def _ratio_box(
        title: str, name: str, ring: RatioRing, caption: QLabel, items: QListWidget
    ) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(name)
        top = QHBoxLayout()
        top.addWidget(ring)
        top.addWidget(caption, 1)
        layout = QVBoxLayout(box)
        layout.addLayout(top)
        layout.addWidget(items, 1)
        return box

    def _show_title(self, title: str, funding_body: str) -> None:
        self.bid_title.setText(f"<b>{title}</b><br>{funding_body}")

    def _first_load(self) -> None:
        if not self._loaded:
            self.refresh()

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt names it
        super().paintEvent(event)
        if not self._loaded and not self._timetable_scheduled:
            self._timetable_scheduled = True
            QTimer.singleShot(0, self, self._first_load)

    def _show_progress(self, read: dashboard_service.Progress) -> None:
        board = Dashboard(
            title=read.title,
            funding_body=read.funding_body,
            today=self.today(),
            countdown=None,
            overdue=[],
            at_risk=[],
            sections=read.sections,
            by_status=read.by_status,
            coverage=read.coverage,
            sign_off=read.sign_off,
        )
        self.board = board
        self._show_title(board.title, board.funding_body)
        self._show_sections(board)
        self._show_coverage(board)
        self._show_sign_off(board)
        self._show_next_steps(read.next_steps, "")

    def _show_timetable_pending(self) -> None:
        self.countdown.setText("Working out the timetable…")
        self.countdown_button.setEnabled(False)
        self.next_caption.setText("Working out which tasks are due…")

    def showEvent(self, event: QShowEvent) -> None:  # Qt names it
        super().showEvent(event)
        # Coming back from another page: the figures are brought up to date when a change set
        # arrived meanwhile (`update_rows` noted it), and only then.
        if self._changes_waiting:
            self._changes_waiting = False
            self._update_figures()

    def update_rows(self, changes: ChangeSet) -> None:
        """Bring the figures up to date with one write, without a full reload.

        The figures come from the bid's checklist (services/views/checklist.py), which reads
        again only the sections `changes` names and the small tables it touched; then only the
        rows of the lists that differ are rewritten. Hidden, the page does it when next shown.
        """
        checklist_for(self.workspace).apply_changes(changes)  # before reading from it
        if self.isVisible():
            self._update_figures()
        else:
            self._changes_waiting = True

    def _update_figures(self) -> None:
        self._loaded = True  # (a change before the first full read makes that read now)
        if words_counted(self.workspace, self._words_counted):
            self._show_board()

    # -- reading -----------------------------------------------------------------------------
    def refresh(self) -> None:
        self._loaded = True
        if not words_counted(self.workspace, self._words_counted):
            # A big bid's first figures wait for its words to be counted off the GUI thread;
            # what the first paint showed stays meanwhile.
            self.next_caption.setText("Counting the words of every section…")
            return
        self._show_board()

    def _show_board(self) -> None:
        board = dashboard_service.dashboard(self.workspace, self.today())
        self.board = board
        self._show_title(board.title, board.funding_body)
        self._show_countdown(board)
        self._show_sections(board)
        self._show_next_steps(board.next_steps, board.plan_problem)
        self._show_coverage(board)
        self._show_sign_off(board)

    def _words_counted(self, _result: object = None) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _show_countdown(self, board: Dashboard) -> None:
        countdown = board.countdown
        if countdown is None:
            self.countdown.setText(
                "This bid has no external deadlines yet (add them on the timetable)."
            )
            self.countdown_button.setEnabled(False)
            return
        self.countdown.setText(countdown.text)
        role = {"past": "muted", "now": "danger", "soon": "warning"}.get(countdown.urgency)
        self.countdown.setStyleSheet(f"color: {text_colour(role, self).name()};" if role else "")
        self.countdown_button.setEnabled(True)

    def _show_sections(self, board: Dashboard) -> None:
        parts = [
            (status, count, fill_colour(STATUS_FILLS.get(status, "accent"), self))
            for status, count in board.by_status
        ]
        description = ", ".join(f"{count} {status}" for status, count in board.by_status)
        total = sum(count for _, count in board.by_status)
        over = sum(1 for s in board.sections if s.level == "over")
        near = sum(1 for s in board.sections if s.level == "near")
        self.status_bar.set_parts(parts, f"{total} sections: {description}")
        legend = " · ".join(
            f"<span style='color:{colour.name()}'>■</span> {count} {status}"
            for status, count, colour in parts
        )
        limits = []
        if over:
            limits.append(
                f"<span style='color:{text_colour('danger', self).name()}'>{over} over the word limit</span>"
            )
        if near:
            limits.append(
                f"<span style='color:{text_colour('warning', self).name()}'>{near} close to "
                "the limit</span>"
            )
        self.status_caption.setText(legend + ("<br>" + ", ".join(limits) if limits else ""))
        shown = self._shown_sections
        if [s.id for s in shown] == [s.id for s in board.sections]:
            # The same sections in the same order: redraw just the rows that changed.
            changed = []
            for row, (before, section) in enumerate(zip(shown, board.sections, strict=True)):
                if before != section:
                    item = self.sections.topLevelItem(row)
                    if item is not None:
                        self._fill_section_item(item, section)
                        self.rows_rewritten += 1
                        changed.append(section)
            self._widen_for(changed)
        else:
            self.sections.clear()
            items = []
            for section in board.sections:
                item = QTreeWidgetItem()
                item.setData(0, ITEM_ROLE, ("section", section.id))
                self._fill_section_item(item, section)
                items.append(item)
            self.sections.addTopLevelItems(items)  # filled first, added at once
            self.rows_rewritten += len(items)
            self.sections.resizeColumnToContents(1)
            self.sections.resizeColumnToContents(WORDS_COLUMN)
        self._shown_sections = list(board.sections)

    def _widen_for(self, sections: list[dashboard_service.SectionProgress]) -> None:
        """Widen the status or words column if a rewritten row no longer fits (rarely)."""
        metrics = self.sections.fontMetrics()
        room = metrics.averageCharWidth() * 8  # the bar's margins, as WordBarDelegate.sizeHint
        for column, width in (
            (1, max((metrics.horizontalAdvance(s.status) for s in sections), default=0)),
            (
                WORDS_COLUMN,
                max((metrics.horizontalAdvance(s.words_text) for s in sections), default=0),
            ),
        ):
            if width + room > self.sections.columnWidth(column):
                self.sections.resizeColumnToContents(column)

    @staticmethod
    def _fill_section_item(
        item: QTreeWidgetItem, section: dashboard_service.SectionProgress
    ) -> None:
        for column, text in enumerate((section.label, section.status, section.words_text)):
            item.setText(column, text)
        item.setData(
            WORDS_COLUMN,
            WORDS_ROLE,
            (section.words, section.word_limit, section.level) if section.word_limit else None,
        )
        item.setToolTip(
            WORDS_COLUMN,
            {"over": "Over the word limit", "near": "Within 10% of the word limit"}.get(
                section.level, ""
            ),
        )

    def _show_next_steps(self, steps: list[dashboard_service.NextStep], problem: str) -> None:
        counts: dict[str, int] = {}
        for step in steps:
            counts[step.urgency] = counts.get(step.urgency, 0) + 1
        self.rows_rewritten += rewrite_list(
            self.next_steps,
            self._shown_steps,
            steps,
            self._fill_step_item,
            "Press Enter or double-click to open it.",
        )
        self._shown_steps = list(steps)
        self.next_steps.setVisible(bool(steps))
        summary = ", ".join(
            f"{counts[urgency]} {SUMMARY_WORDS[urgency]}"
            for urgency in dashboard_service.URGENCY_ORDER
            if counts.get(urgency)
        )
        if problem:
            text = f"⚠ {problem}"
        elif not steps:
            text = "Nothing is overdue or due this week, and every partner has signed off."
        else:
            text = f"{summary[0].upper()}{summary[1:]}. Press Enter or double-click one to open it."
        self.next_caption.setText(text)

    def _fill_step_item(self, item: QListWidgetItem, step: dashboard_service.NextStep) -> None:
        words, role = NEXT_STEP_LOOK[step.urgency]
        item.setText(f"{words}: {step.text}")
        if role:
            item.setForeground(text_colour(role, self))
        else:  # back to the palette's text colour (a rewritten row may have been red)
            item.setData(Qt.ItemDataRole.ForegroundRole, None)
        item.setData(ITEM_ROLE, (step.kind, step.key))

    def _show_coverage(self, board: Dashboard) -> None:
        coverage = board.coverage
        text = (
            f"{coverage.addressed} of {coverage.total} criteria are addressed by a section "
            "with text."
        )
        if coverage.linked_only:
            text += f" {coverage.linked_only} more are linked to sections not yet written."
        if coverage.uncovered:
            text += " Not yet addressed:"
        self.coverage_ring.set_ratio(coverage.addressed, coverage.total, text)
        self.coverage_caption.setText(text)
        self.uncovered.clear()
        for criterion_id, title in coverage.uncovered:
            item = QListWidgetItem(title)
            item.setData(ITEM_ROLE, ("criterion", criterion_id))
            self.uncovered.addItem(item)
        self.uncovered.setVisible(bool(coverage.uncovered))

    def _show_sign_off(self, board: Dashboard) -> None:
        sign_off = board.sign_off
        text = f"{sign_off.signed} of {sign_off.active} partner councils have signed off."
        if sign_off.waiting:
            text += " Still to sign off:"
        self.sign_off_ring.set_ratio(sign_off.signed, sign_off.active, text)
        self.sign_off_caption.setText(text)
        self.waiting.clear()
        for partner_id, name, status in sign_off.waiting:
            item = QListWidgetItem(f"{name} ({status})")
            item.setData(ITEM_ROLE, ("partner", partner_id))
            self.waiting.addItem(item)
        self.waiting.setVisible(bool(sign_off.waiting))

    # -- opening items -----------------------------------------------------------------------
    def _open(self, target: Any) -> None:
        if target:
            kind, key = target
            self.open_item_requested.emit(kind, key)

    def _list_item_activated(self, item: QListWidgetItem) -> None:
        self._open(item.data(ITEM_ROLE))

    def _tree_item_activated(self, item: QTreeWidgetItem, _column: int) -> None:
        self._open(item.data(0, ITEM_ROLE))

    def _open_deadline(self) -> None:
        if self.board is not None and self.board.countdown is not None:
            self.open_item_requested.emit("milestone", self.board.countdown.milestone_id)
