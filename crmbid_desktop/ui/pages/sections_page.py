"""Sections page: the proposal's outline, the rich-text editor with its word meter, reviews, history."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QElapsedTimer, QSize, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QBrush,
    QDropEvent,
    QHideEvent,
    QKeySequence,
    QShortcut,
    QShowEvent,
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
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.errors import BidFileError, RefusedEditError
from crmbid_desktop.services.bid.rights import EVERYTHING, edit_rights, section_label
from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import section_saves
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui import icons
from crmbid_desktop.ui.colours import text_colour, text_style
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.sections.editor import SectionEditor, editor_toolbar
from crmbid_desktop.ui.sections.find_replace import FindReplaceDialog
from crmbid_desktop.ui.sections.history import HistoryPanel
from crmbid_desktop.ui.sections.presence import SectionPresence
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
        # One line per section: Qt then need not measure every row to lay out the tree.
        self.setUniformRowHeights(True)

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
        known = self.page.items.get(section_id)
        if known is not None and known.treeWidget() is self:
            return known  # the page keeps each section's item: no walk of the tree per lookup
        stack = [self.topLevelItem(i) for i in range(self.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if int(item.data(0, ID_ROLE)) == section_id:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None


#: The section's fields as the conflict dialog names them.
DETAIL_LABELS = {
    "body": "Text",
    "title": "Title",
    "guidance": "Guidance",
    "word_limit": "Word limit",
    "author_partner_id": "Council writing it",
    "author_person": "Author",
    "reviewer": "Reviewer",
    "due_on": "Due date",
    "is_appendix": "Appendix",
}


class SectionsPage(Page):
    title = "Sections"
    object_name = "sectionsPage"
    shows_tables = frozenset({"section", "comment", "partner", "bid", "section_version"})

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.rows: dict[int, section_service.SectionInfo] = {}
        #: Each section's outline item, so one row is found without walking the tree.
        self.items: dict[int, QTreeWidgetItem] = {}
        self._shape: list[tuple[str, int | None, int]] = []
        #: How many times the outline was built (tests check a text edit does not rebuild it).
        self.outline_builds = 0
        self.section_id: int | None = None
        #: What this login may edit (on a server; a file: everything), read on each refresh.
        self.rights = EVERYTHING
        self.word_counts: dict[int, int] = {}
        self.include_tables = True
        self._loading = False
        self._saved_text = ""
        #: What the text editor and the details form loaded, with the row version (see
        #: `_load_versions`): saves merge from it, so another user's save is never overwritten.
        self._loaded_body: Loaded | None = None
        self._loaded_details: Loaded | None = None
        self._dirty_since = QElapsedTimer()
        #: Who else is editing which section (a bid on a shared server only).
        self.presence = SectionPresence(self)

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
        self.rights_note = QLabel()
        self.rights_note.setObjectName("sectionRightsNote")
        self.rights_note.setWordWrap(True)
        # Its full height, never squeezed by the editor below (which takes the rest).
        self.rights_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.rights_note.setContentsMargins(2, 4, 2, 4)
        self.rights_note.setVisible(False)
        layout.addWidget(self.presence.note)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.rights_note)
        layout.addWidget(self.editor, 1)
        layout.addLayout(meter_row)
        return tab

    # -- loading -----------------------------------------------------------------------------
    def refresh(self, select: int | None = None) -> None:
        self.flush_text()
        keep = select if select is not None else self.section_id
        view = section_service.outline_view(self.workspace)
        self.rights = edit_rights(self.workspace)
        rows = view.rows
        self._shape = view.shape
        self.include_tables = view.include_tables
        self._fill_council_names(view.councils)
        self.rule_label.setToolTip(section_service.counting_rule(self.include_tables))
        self._fill_outline(rows)
        target = self.outline.find_item(keep) if keep in self.rows else None
        target = target or self.outline.topLevelItem(0)
        self.section_id = None
        if target is not None:
            # A new current item is shown by _current_changed; the section is shown here only
            # when it was current already (loading the editor twice was a third of the visit).
            self.outline.setCurrentItem(target)
            if self.section_id is None:
                self._show(int(target.data(0, ID_ROLE)))
        else:
            self._show(None)

    def _count(self, row: section_service.SectionInfo) -> int:
        return section_service.word_count(
            row.body, include_tables=self.include_tables, section=row.uuid
        )

    def _fill_council_names(self, names: Sequence[tuple[int, str]]) -> None:
        self.council_combo.blockSignals(True)
        self.council_combo.clear()
        self.council_combo.addItem("(no council)", None)
        for partner_id, name in names:
            self.council_combo.addItem(name, partner_id)
        current = self.rows.get(self.section_id) if self.section_id is not None else None
        index = self.council_combo.findData(current.author_partner_id if current else None)
        self.council_combo.setCurrentIndex(max(index, 0))
        self.council_combo.blockSignals(False)

    def _fill_outline(self, rows: list[section_service.SectionInfo]) -> None:
        """Build the outline's items from `rows` (word counts come from the cache)."""
        self.outline_builds += 1
        self.rows = {row.id: row for row in rows}
        self.word_counts = {row.id: self._count(row) for row in rows}
        self.outline.blockSignals(True)
        self.outline.clear()
        self.items = {}
        parents: list[QTreeWidgetItem] = []
        for row in rows:
            item = QTreeWidgetItem(self._item_texts(row))
            self._paint_words(item, row)
            item.setData(0, ID_ROLE, row.id)
            self._set_tooltip(item, row)
            self.items[row.id] = item
            del parents[row.depth - 1 :]
            if parents:
                parents[-1].addChild(item)
            else:
                self.outline.addTopLevelItem(item)
            parents.append(item)
        self.outline.expandAll()
        self.outline.blockSignals(False)
        self._update_total()
        self.presence.forget_marks()
        self.presence.show_others()

    def refresh_tooltip(self, item: QTreeWidgetItem, row: section_service.SectionInfo) -> None:
        """The outline item's own tooltip again (presence adds who is editing to it)."""
        self._set_tooltip(item, row)

    def _set_tooltip(self, item: QTreeWidgetItem, row: section_service.SectionInfo) -> None:
        # The full title too: a narrow outline cuts long titles short.
        title = self._item_texts(row)[0]
        item.setToolTip(0, f"{title}\n\n{row.guidance}" if row.guidance else title)

    # -- keeping up with changes made anywhere ---------------------------------------------------
    def update_rows(self, changes: ChangeSet) -> None:
        """Show what `changes` did to the sections: only the rows named are read and redrawn.

        The outline is rebuilt only when its shape changed (a section added, removed or moved),
        since then numbers change down the tree; word counts come from the per-section cache.
        """
        if changes.touches("bid"):
            include = section_service.count_table_words(self.workspace)
            if include != self.include_tables:
                self.include_tables = include
                self.rule_label.setToolTip(section_service.counting_rule(include))
                self._recount_all()
        if changes.touches("partner"):
            # Imported here: the partners service is not needed to show the first page.
            from crmbid_desktop.services.registers.partners import council_names

            names = council_names(self.workspace)
            shown = [
                (self.council_combo.itemData(i), self.council_combo.itemText(i))
                for i in range(1, self.council_combo.count())
            ]
            if names != shown:  # a council added, removed or renamed
                self._fill_council_names(names)
        if changes.touches("section"):
            shape = section_service.outline_shape(self.workspace)
            if shape != self._shape:
                self._shape = shape
                self._fill_outline(section_service.outline_rows(self.workspace))
                self._keep_current()
                return
        wanted = set(changes.changed_in("section"))
        if changes.touches("comment"):
            wanted |= self._sections_with_new_comment_counts()
        rows = section_service.outline_rows(self.workspace, only=wanted) if wanted else []
        self._show_rows(rows)
        if self.section_id is not None and changes.touches("section_version"):
            self.history.show_section(self.section_id)
        if self.section_id is not None and changes.touches("comment"):
            self.reviews.show_section(self.section_id)

    def _sections_with_new_comment_counts(self) -> set[str]:
        counts = section_service.unresolved_counts(self.workspace)
        return {
            row.uuid
            for row in self.rows.values()
            if counts.get(row.id, 0) != row.unresolved_comments
        }

    def _show_rows(self, rows: list[section_service.SectionInfo]) -> None:
        for row in rows:
            self.rows[row.id] = row
            self.word_counts[row.id] = self._count(row)
            item = self.items.get(row.id)
            if item is not None:
                for column, text in enumerate(self._item_texts(row)):
                    item.setText(column, text)
                self._paint_words(item, row)
                self._set_tooltip(item, row)
            if row.id == self.section_id:
                self._show_current_fields(row)
        if rows:
            self._update_meter()
            self._update_total()
            self._update_review_tab()
            self.presence.show_others()  # the tooltips were set again without who is editing

    def _show_current_fields(self, row: section_service.SectionInfo) -> None:
        """The open section's details as saved, without disturbing a field being typed in."""
        self._loading = True
        try:
            if self.title_edit.text() != row.title and not self.title_edit.isModified():
                self.title_edit.setText(row.title)
            self.status_combo.setCurrentText(row.status)
            if not self.limit_spin.hasFocus():
                self.limit_spin.setValue(row.word_limit or 0)
            index = self.council_combo.findData(row.author_partner_id)
            self.council_combo.setCurrentIndex(max(index, 0))
            for edit, value in (
                (self.author_edit, row.author_person),
                (self.reviewer_edit, row.reviewer),
                (self.due_edit, format_date(row.due_on) if row.due_on else ""),
            ):
                if edit.text() != value and not edit.isModified():
                    edit.setText(value)
            if (
                self.guidance_edit.toPlainText() != row.guidance
                and not self.guidance_timer.isActive()
            ):
                self.guidance_edit.setPlainText(row.guidance)
            if row.body != self._saved_text and not self.editor.document().isModified():
                # Changed elsewhere (undo, a partner's returned text, a restore): show it.
                self.editor.load_markdown(row.body)
                self._saved_text = row.body
                self._loaded_body = None
            self._load_versions()
        finally:
            self._loading = False

    def _load_versions(self) -> None:
        """What the text editor and the details form now show, with the section's row version:
        a save writes only what was changed from it, merged with others' saves since."""
        if self.section_id is None or self.section_id not in self.rows:
            self._loaded_body = self._loaded_details = None
            return
        try:
            if self._loaded_body is None or not self.editor.document().isModified():
                self._loaded_body = section_saves.load_body(self.workspace, self.section_id)
                self._saved_text = str(self._loaded_body.values["body"])
            editing = any(
                edit.isModified()
                for edit in (self.title_edit, self.author_edit, self.reviewer_edit, self.due_edit)
            )
            if self._loaded_details is None or not editing:
                self._loaded_details = section_saves.load_details(self.workspace, self.section_id)
        except LookupError:
            self._loaded_body = self._loaded_details = None

    def _recount_all(self) -> None:
        self.word_counts = {sid: self._count(row) for sid, row in self.rows.items()}
        for sid, row in self.rows.items():
            item = self.items.get(sid)
            if item is not None:
                item.setText(2, self._item_texts(row)[2])
                self._paint_words(item, row)
        self._update_meter()
        self._update_total()

    def _keep_current(self) -> None:
        """After the outline was rebuilt: the same section stays open, or the first one."""
        current = self.section_id if self.section_id in self.rows else None
        target = self.items.get(current) if current is not None else None
        target = target or self.outline.topLevelItem(0)
        if target is None:
            self._show(None)
            return
        self.outline.blockSignals(True)
        self.outline.setCurrentItem(target)
        self.outline.blockSignals(False)
        target_id = int(target.data(0, ID_ROLE))
        if target_id != self.section_id:
            self._show(target_id)
        else:
            self._show_current_fields(self.rows[target_id])
            self._update_meter()
            self._update_review_tab()

    def select_section(self, section_id: int | None) -> None:
        item = self.items.get(section_id) if section_id is not None else None
        if item is not None:
            self.outline.setCurrentItem(item)

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
            self._apply_rights(row)
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
            self._load_versions()
        finally:
            self._loading = False
        self.reviews.show_section(section_id)
        self.history.show_section(section_id)
        self._update_meter()
        self._update_review_tab()
        if self.isVisible():
            self.presence.opened(section_id)

    def _apply_rights(self, row: section_service.SectionInfo | None) -> None:
        """Enable the section's fields, or show them read-only saying who may edit them."""
        # On a server a partner council edits only the sections it is the author of.
        allowed = row is None or self.rights.may_edit(row.author_partner_id)
        editable = row is not None and not self.workspace.read_only and allowed
        why_not = (
            ""
            if allowed or row is None
            else self.rights.only_who_may(
                row.author_partner_id, section_label(row.number, row.title)
            )
        )
        self.rights_note.setText(
            f"{why_not} You can read it, and comment on it under Reviews." if why_not else ""
        )
        self.rights_note.setVisible(bool(why_not))
        self.editor.setToolTip(why_not)
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
        # Giving a section to another council is the lead's to do.
        self.council_combo.setEnabled(editable and self.rights.everything)

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
        if self.workspace.read_only:
            return  # kept in the editor, unsaved (the server's connection is lost meanwhile)
        if self.rights_note.text():
            return  # not this council's: typing kept on screen (to copy), never saved again
        loaded = self._loaded_body or section_saves.load_body(self.workspace, self.section_id)
        try:
            result = section_saves.save_body(self.workspace, self.section_id, loaded, text)
            if result.conflicts:
                result = self._settle_conflicts(result, "this section's text", text=True)
        except RowGoneError as error:
            self._keep_typing_of_gone_section(str(error), text)
            return
        except (BidFileError, section_service.SectionError) as error:
            self._tell("The text could not be saved", str(error))
            if isinstance(error, RefusedEditError):
                # The rights changed since the page read them (the lead gave the section to
                # another council): show it read-only now, the typing kept, no box again.
                self.rights = edit_rights(self.workspace)
                self._apply_rights(self.rows.get(self.section_id))
            return
        self._loaded_body = result.now
        saved = str(result.now.values["body"])
        if saved != text:
            # Someone else's paragraphs were merged in (or theirs kept): show the text as saved.
            self._loading = True
            try:
                self.editor.load_markdown(saved)
            finally:
                self._loading = False
        self._saved_text = saved
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
        self.presence.left()
        super().hideEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.presence.opened(self.section_id)

    def editing_allowed(self, allowed: bool) -> None:
        """The connection to the server was lost or is back (the bid is read-only meanwhile):
        the form and editor follow, and what was typed meanwhile (kept in the editor) is saved
        once editing resumes."""
        row = self.rows.get(self.section_id) if self.section_id is not None else None
        self._apply_rights(row)
        if allowed and not self.editor.isReadOnly() and self.editor.document().isModified():
            self.save_timer.start()

    # -- details and workflow ----------------------------------------------------------------
    def _save_detail(self, name: str, value: object) -> None:
        if self._loading or self.section_id is None:
            return
        loaded = self._loaded_details or section_saves.load_details(self.workspace, self.section_id)
        try:
            result = section_saves.save_details(
                self.workspace, self.section_id, loaded, **{name: value}
            )
            if result.conflicts:
                result = self._settle_conflicts(result, "this section's details", text=False)
        except RowGoneError as error:
            self._tell("The section could not be changed", str(error))
            return
        except (section_service.SectionError, BidFileError) as error:
            self._tell("The section could not be changed", str(error))
        self._loaded_details = None
        for edit in (self.title_edit, self.author_edit, self.reviewer_edit, self.due_edit):
            edit.setModified(False)
        self._reload_row()

    def _settle_conflicts(self, result: SaveResult, what: str, *, text: bool) -> SaveResult:
        """Ask the user, per field, to keep theirs or mine; save the fields kept as mine."""
        from crmbid_desktop.ui.save_conflicts import SaveConflictDialog

        assert self.section_id is not None
        dialog = SaveConflictDialog(
            result.conflicts,
            DETAIL_LABELS,
            what=what,
            texts=("body", "guidance"),
            parent=self,
        )
        if dialog.exec() != SaveConflictDialog.DialogCode.Accepted or not dialog.to_save():
            return result  # theirs kept (my text went to the clipboard on Cancel)
        chosen = dialog.to_save()
        base = Loaded(result.now.version, {**result.now.values})
        if text:
            settled = section_saves.save_body(
                self.workspace, self.section_id, base, str(chosen["body"])
            )
        else:
            settled = section_saves.save_details(self.workspace, self.section_id, base, **chosen)
        if settled.conflicts:  # a third person saved meanwhile: ask again
            return self._settle_conflicts(settled, what, text=text)
        return settled

    def _keep_typing_of_gone_section(self, message: str, text: str) -> None:
        """The section was deleted elsewhere: the typing goes to the clipboard, and is said so."""
        from PySide6.QtWidgets import QApplication

        clipboard = QApplication.clipboard()
        if clipboard is not None:
            clipboard.setText(text)
        self.editor.document().setModified(False)
        self._tell(
            "The section is gone",
            f"{message}\n\nYour text has been copied to the clipboard: paste it into another "
            "section or a new one.",
        )

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
        """The open section's row again (one row read, however long the outline)."""
        row = self.rows.get(self.section_id) if self.section_id is not None else None
        if row is None:
            return
        self._show_rows(section_service.outline_rows(self.workspace, only=[row.uuid]))

    def _reviews_changed(self) -> None:
        self._reload_row()

    def _version_restored(self) -> None:
        # The restored text arrives as the restore's change set, like any other write.
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
            self.select_section(new_id)  # the outline already shows it, from the change set

    def add_sub_section(self) -> None:
        if self.section_id is None:
            return
        title = self._ask_title("Title of the new sub-section:")
        if title:
            new_id = section_service.add_section(self.workspace, title, parent_id=self.section_id)
            self.select_section(new_id)

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

    def _outline_change(self, change: Callable[[int], object]) -> None:
        if self.section_id is None:
            return
        self.flush_text()
        try:
            change(self.section_id)
        except section_service.SectionError as error:
            self._tell("Section not moved", str(error))
            self._restore_outline()

    def _restore_outline(self) -> None:
        """A refused move: put the outline back as saved (a drag may have moved an item)."""
        self._fill_outline(section_service.outline_rows(self.workspace))
        self._keep_current()

    def _shift(self, step: int) -> None:
        self._outline_change(lambda sid: section_service.shift_section(self.workspace, sid, step))

    def indent(self) -> None:
        self._outline_change(lambda sid: section_service.indent_section(self.workspace, sid))

    def outdent(self) -> None:
        self._outline_change(lambda sid: section_service.outdent_section(self.workspace, sid))

    def move_to(self, section_id: int, parent_id: int | None, index: int) -> None:
        self.flush_text()
        builds = self.outline_builds
        try:
            section_service.move_section(self.workspace, section_id, parent_id, index)
        except section_service.SectionError as error:
            self._tell("Section not moved", str(error))
            self._restore_outline()
            return
        if self.outline_builds == builds:
            # A drop where it already was changes nothing, so no change set rebuilt the outline
            # the drag disturbed: put it back as saved.
            self._restore_outline()
        self.select_section(section_id)

    def find_replace_dialog(self) -> FindReplaceDialog:
        # Replacements reach the outline and editor as change sets: nothing to reload afterwards.
        return FindReplaceDialog(self.workspace, self.flush_text, self._reload_row, self)

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
