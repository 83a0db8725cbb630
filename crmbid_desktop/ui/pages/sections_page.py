"""Sections page: the proposal's outline, the rich-text editor with its word meter, reviews, history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QElapsedTimer, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QBrush,
    QDropEvent,
    QHideEvent,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStyle,
    QTabWidget,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date, parse_date
from crmbid_desktop.domain.section_workflow import NOT_STARTED, STATUSES, WorkflowError
from crmbid_desktop.domain.word_meter import NEAR, OVER, meter_level, meter_text
from crmbid_desktop.services import queries
from crmbid_desktop.services import sections as section_service
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.errors import BidFileError
from crmbid_desktop.ui import icons
from crmbid_desktop.ui.colours import text_colour, text_style
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.sections.editor import SectionEditor, editor_toolbar
from crmbid_desktop.ui.sections.find_replace import FindReplaceDialog
from crmbid_desktop.ui.sections.history import HistoryPanel
from crmbid_desktop.ui.sections.reviews import ReviewsPanel
from crmbid_desktop.ui.widgets import name_widget

#: Quiet time after the last keystroke before the text is saved.
SAVE_DELAY_MS = 600
#: Even while typing without a pause, the text is saved at least this often.
SAVE_AT_LEAST_EVERY_MS = 10_000
ID_ROLE = Qt.ItemDataRole.UserRole
#: colours.text_colour roles for the meter and outline; the text says "near"/"over" too.
METER_COLOURS = {NEAR: "warning", OVER: "danger"}


class OutlineTree(QTreeWidget):
    """The outline; dragging a section moves it (with its sub-sections) and saves the move."""

    def __init__(self, page: SectionsPage) -> None:
        super().__init__()
        self.page = page
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)

    def dropEvent(self, event: QDropEvent) -> None:
        moved = self.currentItem()
        section_id = int(moved.data(0, ID_ROLE)) if moved is not None else None
        super().dropEvent(event)
        if section_id is None:
            return
        item = self.find_item(section_id)
        if item is None:
            self.page.refresh()
            return
        parent = item.parent()
        parent_id = int(parent.data(0, ID_ROLE)) if parent is not None else None
        index = parent.indexOfChild(item) if parent is not None else self.indexOfTopLevelItem(item)
        # The tree is rebuilt from the file after the move, so numbers are right again.
        QTimer.singleShot(0, lambda: self.page.move_to(section_id, parent_id, index))

    def find_item(self, section_id: int) -> QTreeWidgetItem | None:
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if int(item.data(0, ID_ROLE)) == section_id:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None


class SectionsPage(Page):
    title = "Sections"
    object_name = "sectionsPage"

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.rows: dict[int, section_service.SectionInfo] = {}
        self.section_id: int | None = None
        self.word_counts: dict[int, int] = {}
        self.include_tables = True
        self._loading = False
        self._saved_text = ""
        self._dirty_since = QElapsedTimer()

        self.outline = OutlineTree(self)
        name_widget(self.outline, "sectionsOutline", "Outline of the proposal")
        self.outline.setHeaderLabels(["Section", "Status", "Words"])
        header = self.outline.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.outline.currentItemChanged.connect(self._current_changed)
        outline_box = QWidget()
        outline_layout = QVBoxLayout(outline_box)
        outline_layout.setContentsMargins(0, 0, 0, 0)
        outline_layout.addWidget(self._outline_toolbar())
        outline_layout.addWidget(self.outline, 1)
        self.total_label = QLabel()
        self.total_label.setObjectName("proposalWordTotal")
        outline_layout.addWidget(self.total_label)

        self.tabs = QTabWidget()
        name_widget(self.tabs, "sectionTabs", "Section text, reviews and history")
        self.tabs.addTab(self._text_tab(), "Text")
        self.reviews = ReviewsPanel(workspace, self._reviews_changed)
        self.tabs.addTab(self.reviews, "Reviews")
        self.history = HistoryPanel(workspace, self._version_restored)
        self.tabs.addTab(self.history, "History")
        self.tabs.tabBar().setObjectName("sectionTabBar")
        self.tabs.tabBar().setAccessibleName("Section tabs")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(outline_box)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([330, 700])
        self.page_layout.addWidget(splitter, 1)

        self.save_timer = QTimer(self)
        self.save_timer.setSingleShot(True)
        self.save_timer.setInterval(SAVE_DELAY_MS)
        self.save_timer.timeout.connect(self.flush_text)
        self.editor.textChanged.connect(self._text_changed)

        find = QShortcut(QKeySequence("Ctrl+H"), self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.setWhatsThis("Find and replace in the section text")
        find.activated.connect(self.open_find_replace)
        self.refresh()

    # -- building ----------------------------------------------------------------------------
    def _outline_toolbar(self) -> QToolBar:
        toolbar = QToolBar("Outline")
        toolbar.setObjectName("outlineToolbar")
        small = toolbar.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        toolbar.setIconSize(QSize(small, small))
        toolbar.setAccessibleName("Outline actions")
        # Add keeps its word beside the icon; the others are icons with tooltips (and names for
        # screen readers), so the whole row fits the outline's pane on a 1024x768 screen.
        for text, name, tip, slot, icon, words in (
            ("Add", "addSection", "Add a section after this one", self.add_section, "add", True),
            (
                "Add sub",
                "addSubSection",
                "Add a sub-section",
                self.add_sub_section,
                "add-sub",
                False,
            ),
            (
                "Delete…",
                "deleteSection",
                "Delete this section",
                self.delete_current,
                "delete",
                True,
            ),
            ("↑", "moveSectionUp", "Move section up", lambda: self._shift(-1), "up", False),
            ("↓", "moveSectionDown", "Move section down", lambda: self._shift(1), "down", False),
            (
                "→",
                "indentSection",
                "Indent: make it a sub-section of the one above",
                self.indent,
                "indent",
                False,
            ),
            ("←", "outdentSection", "Outdent: one level up", self.outdent, "outdent", False),
            (
                "Find…",
                "openFindReplace",
                "Find and replace in all sections (Ctrl+H)",
                self.open_find_replace,
                "find-replace",
                False,
            ),
        ):
            action = QAction(text, toolbar)
            action.setObjectName(f"{name}Action")
            action.setToolTip(tip)
            action.triggered.connect(slot)
            # The main window disables what edits the bid when the file is open read-only.
            action.setProperty("editsBid", name != "openFindReplace")
            toolbar.addAction(action)
            icons.set_icon(action, icon)
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                name_widget(button, name, tip)
                if words:
                    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        return toolbar

    def _text_tab(self) -> QWidget:
        tab = QWidget()
        self.title_edit = QLineEdit()
        name_widget(self.title_edit, "sectionTitle", "Section title")
        self.title_edit.editingFinished.connect(
            lambda: self._save_detail("title", self.title_edit.text())
        )
        self.status_combo = QComboBox()
        name_widget(self.status_combo, "sectionStatus", "Section status")
        self.status_combo.addItems(list(STATUSES))
        self.status_combo.activated.connect(self._status_chosen)
        self.limit_spin = QSpinBox()
        name_widget(self.limit_spin, "sectionWordLimit", "Word limit (0 for none)")
        self.limit_spin.setRange(0, 100_000)
        self.limit_spin.setSingleStep(50)
        self.limit_spin.setSpecialValueText("no limit")
        self.limit_spin.editingFinished.connect(
            lambda: self._save_detail("word_limit", self.limit_spin.value() or None)
        )
        self.council_combo = QComboBox()
        # Never narrower than "(no council)", whatever it held when first shown.
        self.council_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.council_combo.setMinimumContentsLength(14)
        name_widget(self.council_combo, "sectionAuthorCouncil", "Author's council")
        self.council_combo.activated.connect(
            lambda _i: self._save_detail("author_partner_id", self.council_combo.currentData())
        )
        self.author_edit = QLineEdit()
        name_widget(self.author_edit, "sectionAuthorPerson", "Author")
        self.author_edit.setPlaceholderText("Who writes it")
        self.author_edit.editingFinished.connect(
            lambda: self._save_detail("author_person", self.author_edit.text().strip())
        )
        self.reviewer_edit = QLineEdit()
        name_widget(self.reviewer_edit, "sectionReviewer", "Reviewer")
        self.reviewer_edit.editingFinished.connect(
            lambda: self._save_detail("reviewer", self.reviewer_edit.text().strip())
        )
        self.due_edit = QLineEdit()
        name_widget(self.due_edit, "sectionDueOn", "Due date")
        self.due_edit.setPlaceholderText("e.g. 22/08/2005")
        self.due_edit.setToolTip("A date such as Mon 22 Aug 2005 or 22/08/2005")
        self.due_edit.editingFinished.connect(self._due_changed)
        self.guidance_edit = QPlainTextEdit()
        name_widget(
            self.guidance_edit, "sectionGuidance", "Guidance: what the evaluators want to read"
        )
        self.guidance_edit.setMaximumHeight(60)
        # Tab moves on (a keyboard user could not leave the box otherwise); notes need no tabs.
        self.guidance_edit.setTabChangesFocus(True)
        self.guidance_timer = QTimer(self)
        self.guidance_timer.setSingleShot(True)
        self.guidance_timer.setInterval(SAVE_DELAY_MS)
        self.guidance_timer.timeout.connect(
            lambda: self._save_detail("guidance", self.guidance_edit.toPlainText())
        )
        self.guidance_edit.textChanged.connect(self._guidance_typed)

        # Two fields a row, each label tied to its field (screen readers read the label): the
        # whole form fits the editor's half of a 1024x768 window without scrolling sideways.
        form = QGridLayout()
        form.setColumnStretch(1, 1)
        form.setColumnStretch(3, 1)

        def label(text: str, buddy: QWidget) -> QLabel:
            caption = QLabel(text)
            caption.setBuddy(buddy)
            return caption

        form.addWidget(label("&Title:", self.title_edit), 0, 0)
        form.addWidget(self.title_edit, 0, 1, 1, 3)
        form.addWidget(label("&Status:", self.status_combo), 1, 0)
        form.addWidget(self.status_combo, 1, 1)
        form.addWidget(label("Word &limit:", self.limit_spin), 1, 2)
        form.addWidget(self.limit_spin, 1, 3)
        form.addWidget(label("D&ue:", self.due_edit), 2, 0)
        form.addWidget(self.due_edit, 2, 1)
        form.addWidget(label("Re&viewer:", self.reviewer_edit), 2, 2)
        form.addWidget(self.reviewer_edit, 2, 3)
        author = QHBoxLayout()
        author.addWidget(self.council_combo, 3)
        author.addWidget(self.author_edit, 2)
        form.addWidget(label("&Author:", self.council_combo), 3, 0)
        form.addLayout(author, 3, 1, 1, 3)
        form.addWidget(label("&Guidance:", self.guidance_edit), 4, 0, Qt.AlignmentFlag.AlignTop)
        form.addWidget(self.guidance_edit, 4, 1, 1, 3)

        self.editor = SectionEditor()
        name_widget(self.editor, "sectionEditor", "Section text")
        self.toolbar = editor_toolbar(self.editor, self)
        self.meter = QLabel()
        self.meter.setObjectName("wordMeter")
        self.meter.setAccessibleName("Word count against the limit")
        self.rule_label = QLabel('<a href="#rule">How words are counted</a>')
        self.rule_label.setObjectName("countingRule")
        self.rule_label.setAccessibleName("How words are counted")
        self.rule_label.linkActivated.connect(
            lambda _link: QMessageBox.information(
                self, "How words are counted", self.rule_label.toolTip()
            )
        )
        meter_row = QHBoxLayout()
        meter_row.addWidget(self.meter)
        meter_row.addStretch(1)
        meter_row.addWidget(self.rule_label)

        details = QWidget()
        details.setLayout(form)
        # Below the form's natural width (a window narrower than 1024 pixels) it scrolls
        # sideways rather than widen the whole window.
        scroller = QScrollArea()
        scroller.setObjectName("sectionDetails")
        scroller.setWidget(details)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setMinimumHeight(details.sizeHint().height())
        scroller.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QVBoxLayout(tab)
        layout.addWidget(scroller)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.editor, 1)
        layout.addLayout(meter_row)
        return tab

    # -- loading -----------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        self.flush_text()
        keep = select if select is not None else self.section_id
        with self.workspace.reading() as session:
            rows = section_service.outline(session)
            self.include_tables = section_service.count_table_words(session)
            partners = queries.partners(session)
        self.rows = {row.id: row for row in rows}
        self.word_counts = {
            row.id: section_service.word_count(row.body, include_tables=self.include_tables)
            for row in rows
        }
        self.council_combo.blockSignals(True)
        self.council_combo.clear()
        self.council_combo.addItem("(no council)", None)
        for partner in partners:
            self.council_combo.addItem(partner.name, partner.id)
        self.council_combo.blockSignals(False)
        self.rule_label.setToolTip(section_service.counting_rule(self.include_tables))

        self.outline.blockSignals(True)
        self.outline.clear()
        parents: list[QTreeWidgetItem] = []
        for row in rows:
            item = QTreeWidgetItem(self._item_texts(row))
            self._paint_words(item, row)
            item.setData(0, ID_ROLE, row.id)
            # The full title too: a narrow outline cuts long titles short.
            title = self._item_texts(row)[0]
            item.setToolTip(0, f"{title}\n\n{row.guidance}" if row.guidance else title)
            del parents[row.depth - 1 :]
            if parents:
                parents[-1].addChild(item)
            else:
                self.outline.addTopLevelItem(item)
            parents.append(item)
        self.outline.expandAll()
        self.outline.blockSignals(False)
        self._update_total()
        target = self.outline.find_item(keep) if keep in self.rows else None
        target = target or self.outline.topLevelItem(0)
        self.section_id = None
        if target is not None:
            self.outline.setCurrentItem(target)
            self._show(int(target.data(0, ID_ROLE)))
        else:
            self._show(None)

    def _item_texts(self, row: section_service.SectionInfo) -> list[str]:
        count = self.word_counts.get(row.id, 0)
        words = f"{count} / {row.word_limit}" if row.word_limit else str(count)
        return [f"{row.number} {row.title}".strip(), row.status, words]

    def _paint_words(self, item: QTreeWidgetItem, row: section_service.SectionInfo) -> None:
        """The outline's word column turns amber near the limit and red over it, like the meter."""
        level = meter_level(self.word_counts.get(row.id, 0), row.word_limit)
        colour = METER_COLOURS.get(level)
        item.setForeground(2, QBrush(text_colour(colour, self)) if colour else QBrush())

    def _current_changed(self, current: QTreeWidgetItem | None, _previous: object) -> None:
        self.flush_text()
        self._show(int(current.data(0, ID_ROLE)) if current is not None else None)

    def _show(self, section_id: int | None) -> None:
        self.section_id = section_id
        row = self.rows.get(section_id) if section_id is not None else None
        self._loading = True
        try:
            editable = row is not None and not self.workspace.read_only
            for widget in (
                self.title_edit,
                self.status_combo,
                self.limit_spin,
                self.council_combo,
                self.author_edit,
                self.reviewer_edit,
                self.due_edit,
                self.guidance_edit,
                self.toolbar,
            ):
                widget.setEnabled(editable)
            self.editor.setReadOnly(not editable)
            self.title_edit.setText(row.title if row else "")
            self.status_combo.setCurrentText(row.status if row else STATUSES[0])
            self.limit_spin.setValue(row.word_limit or 0 if row else 0)
            index = self.council_combo.findData(row.author_partner_id if row else None)
            self.council_combo.setCurrentIndex(max(index, 0))
            self.author_edit.setText(row.author_person if row else "")
            self.reviewer_edit.setText(row.reviewer if row else "")
            self.due_edit.setText(format_date(row.due_on) if row and row.due_on else "")
            self.guidance_edit.setPlainText(row.guidance if row else "")
            self.editor.load_markdown(row.body if row else "")
            self._saved_text = row.body if row else ""
        finally:
            self._loading = False
        self.reviews.show_section(section_id)
        self.history.show_section(section_id)
        self._update_meter()
        self._update_review_tab()

    # -- text: debounced save and live count ---------------------------------------------------
    def _text_changed(self) -> None:
        if self._loading or self.section_id is None:
            return
        if not self._dirty_since.isValid():
            self._dirty_since.start()
        if self._dirty_since.elapsed() >= SAVE_AT_LEAST_EVERY_MS:
            self.flush_text()
            return
        self.save_timer.start()  # restarts: the text is saved once typing pauses

    def save_pending(self) -> bool:
        super().save_pending()  # the title, limit, author, reviewer and due date fields
        self.flush_text()
        return not self.editor.document().isModified()

    def flush_text(self) -> None:
        """Save the editor's text now if it changed (on pause, switch, hide and close)."""
        self.save_timer.stop()
        self._dirty_since.invalidate()
        if self.section_id is None or self.section_id not in self.rows:
            return
        if not self.editor.document().isModified():
            return  # only looked at: nothing to save, and no version or log line for it
        text = self.editor.markdown()
        count = self.editor.word_count(include_tables=self.include_tables)
        self.word_counts[self.section_id] = count
        self._update_meter(count)
        if text == self._saved_text:
            self.editor.document().setModified(False)
            return
        try:
            section_service.save_body(self.workspace, self.section_id, text)
        except (BidFileError, section_service.SectionError) as error:
            self._tell("The text could not be saved", str(error))
            return
        self._saved_text = text
        self.editor.document().setModified(False)
        row = self.rows[self.section_id]
        if row.status == NOT_STARTED:
            self._reload_row()  # the first words moved it to drafting: show the new status
            return
        item = self.outline.find_item(self.section_id)
        if item is not None:
            item.setText(2, self._item_texts(row)[2])
            self._paint_words(item, row)
        self._update_total()

    def _update_meter(self, count: int | None = None) -> None:
        row = self.rows.get(self.section_id) if self.section_id is not None else None
        if row is None:
            self.meter.setText("")
            return
        if count is None:
            count = self.word_counts.get(row.id, 0)
        level = meter_level(count, row.word_limit)
        self.meter.setText(meter_text(count, row.word_limit))
        colour = METER_COLOURS.get(level)
        self.meter.setStyleSheet(text_style(colour, self, bold=True) if colour else "")
        self.meter.setProperty("level", level)

    def _update_total(self) -> None:
        total = sum(
            count
            for sid, count in self.word_counts.items()
            if sid in self.rows and not self.rows[sid].is_appendix
        )
        limits = sum(row.word_limit or 0 for row in self.rows.values() if not row.is_appendix)
        self.total_label.setText(f"Whole proposal: {total:,} / {limits:,} words")

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush_text()
        super().hideEvent(event)

    # -- details and workflow ----------------------------------------------------------------
    def _save_detail(self, name: str, value: object) -> None:
        if self._loading or self.section_id is None:
            return
        try:
            section_service.update_details(self.workspace, self.section_id, **{name: value})
        except (section_service.SectionError, BidFileError) as error:
            self._tell("The section could not be changed", str(error))
        self._reload_row()

    def _guidance_typed(self) -> None:
        if not self._loading:
            self.guidance_timer.start()

    def _due_changed(self) -> None:
        text = self.due_edit.text().strip()
        if not text:
            self._save_detail("due_on", None)
            return
        try:
            due = parse_date(text)
        except ValueError as error:
            self._tell("Due date not understood", f"Due date '{text}': {error}")
            return
        self.due_edit.setText(format_date(due))
        self._save_detail("due_on", due)

    def _status_chosen(self, _index: int) -> None:
        if self.section_id is None:
            return
        self.flush_text()
        try:
            section_service.set_status(
                self.workspace, self.section_id, self.status_combo.currentText()
            )
        except WorkflowError as error:
            self._tell("Status not changed", str(error))
        self._reload_row()

    def _reload_row(self) -> None:
        with self.workspace.reading() as session:
            rows = section_service.outline(session)
        self.rows = {row.id: row for row in rows}
        for row in rows:
            item = self.outline.find_item(row.id)
            if item is not None:
                for column, text in enumerate(self._item_texts(row)):
                    item.setText(column, text)
                self._paint_words(item, row)
        current = self.rows.get(self.section_id) if self.section_id is not None else None
        if current is not None:
            self._loading = True
            self.status_combo.setCurrentText(current.status)
            self.title_edit.setText(current.title)
            self._loading = False
        self._update_meter()
        self._update_total()
        self._update_review_tab()

    def _reviews_changed(self) -> None:
        self._reload_row()

    def _version_restored(self) -> None:
        self.refresh()
        self.tabs.setCurrentWidget(self.history)

    def _update_review_tab(self) -> None:
        row = self.rows.get(self.section_id) if self.section_id is not None else None
        open_count = row.unresolved_comments if row else 0
        self.tabs.setTabText(1, f"Reviews ({open_count} open)" if open_count else "Reviews")

    # -- outline editing ---------------------------------------------------------------------
    def _tell(self, title: str, text: str) -> None:
        QMessageBox.warning(self, title, text)

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def _ask_title(self, prompt: str) -> str | None:
        title, ok = QInputDialog.getText(self, "New section", prompt)
        return title.strip() if ok and title.strip() else None

    def add_section(self) -> None:
        title = self._ask_title("Title of the new section:")
        if title:
            parent = self.rows[self.section_id].parent_id if self.section_id in self.rows else None
            new_id = section_service.add_section(
                self.workspace, title, parent_id=parent, after_id=self.section_id
            )
            self.refresh(select=new_id)

    def add_sub_section(self) -> None:
        if self.section_id is None:
            return
        title = self._ask_title("Title of the new sub-section:")
        if title:
            new_id = section_service.add_section(self.workspace, title, parent_id=self.section_id)
            self.refresh(select=new_id)

    def delete_current(self) -> None:
        row = self.rows.get(self.section_id) if self.section_id is not None else None
        if row is None:
            return
        children = [r for r in self.rows.values() if r.parent_id == row.id]
        extra = " and its sub-sections" if children else ""
        if self._confirm(
            "Delete section",
            f"Delete section {row.label} '{row.title}'{extra}, with its text, comments and "
            "versions?\n\nEdit > Undo (Ctrl+Z) brings it back.",
        ):
            self.flush_text()
            with self.undo_stack.gathering(f"Delete section {row.label}"):
                section_service.delete_section(self.workspace, row.id)
            self.refresh()

    def _outline_change(self, change: Callable[[int], object]) -> None:
        if self.section_id is None:
            return
        self.flush_text()
        try:
            change(self.section_id)
        except section_service.SectionError as error:
            self._tell("Section not moved", str(error))
        self.refresh()

    def _shift(self, step: int) -> None:
        self._outline_change(lambda sid: section_service.shift_section(self.workspace, sid, step))

    def indent(self) -> None:
        self._outline_change(lambda sid: section_service.indent_section(self.workspace, sid))

    def outdent(self) -> None:
        self._outline_change(lambda sid: section_service.outdent_section(self.workspace, sid))

    def move_to(self, section_id: int, parent_id: int | None, index: int) -> None:
        self.flush_text()
        try:
            section_service.move_section(self.workspace, section_id, parent_id, index)
        except section_service.SectionError as error:
            self._tell("Section not moved", str(error))
        self.refresh(select=section_id)

    def find_replace_dialog(self) -> FindReplaceDialog:
        return FindReplaceDialog(self.workspace, self.flush_text, self.refresh, self)

    def open_find_replace(self) -> None:
        self.find_replace_dialog().exec()

    def select_item(self, kind: str, key: object) -> bool:
        if kind != "section" or not isinstance(key, int):
            return False
        item = self.outline.find_item(key)
        if item is None:
            return False
        self.outline.setCurrentItem(item)
        self.outline.scrollToItem(item)
        self.outline.setFocus()
        return True
