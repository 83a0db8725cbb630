"""Clarifications page: questions put to the department, their answers and the sections affected."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.domain.dates import optional_date, parse_date
from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.versioned import Loaded, RowGoneError, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import clarifications as clarification_service
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.ui.pages.base import Page
from crmbid_desktop.ui.table_model import ROW_ROLE, Column, RowTableModel
from crmbid_desktop.ui.widgets import FilterableTable, name_widget, select_row_by_id, tidy_form

Row = clarification_service.ClarificationRow

CLARIFICATION_COLUMNS: list[Column[Row]] = [
    Column("Asked on", lambda r: optional_date(r.asked_on), lambda r: r.asked_on or date.min),
    Column("Question", lambda r: r.question.replace("\n", " "), tooltip=lambda r: r.question),
    Column(
        "Answer", lambda r: r.answer.replace("\n", " ") or "(awaiting)", tooltip=lambda r: r.answer
    ),
    Column(
        "Answered on", lambda r: optional_date(r.answered_on), lambda r: r.answered_on or date.min
    ),
    Column("Affects sections", lambda r: r.section_labels),
]


def _row_id(row: Row) -> int:
    return row.id


def _day(value: object) -> str:
    """A date as the form's date boxes show it ("" for none)."""
    return optional_date(value) if isinstance(value, date) else ""


class ClarificationsPage(Page):
    title = "Clarifications"
    object_name = "clarificationsPage"
    shows_tables = frozenset({"clarification", "clarification_section", "section"})

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self.current_id: int | None = None
        self._loaded: clarification_service.QuestionLoaded | None = None
        #: True while the table changes under a form with unsaved typing (kept as typed).
        self._keeping_form = False
        self.model: RowTableModel[Row] = RowTableModel(CLARIFICATION_COLUMNS)
        self.table = FilterableTable(self.model, "clarifications", "questions to the department")
        self.table.view.empty_text = (
            "No questions to the department yet: press New question to record one, and its "
            "answer when it comes."
        )
        self.table.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.question = QPlainTextEdit()
        name_widget(self.question, "clarificationQuestion", "Question put to the department")
        self.question.setMaximumHeight(70)
        # Tab moves on from both boxes: otherwise a keyboard user is stuck typing tabs.
        self.question.setTabChangesFocus(True)
        self.asked_on = QLineEdit()
        name_widget(self.asked_on, "clarificationAskedOn", "Asked on")
        self.asked_on.setPlaceholderText("e.g. Tue 30 Aug 2005")
        self.sections = QListWidget()
        # Every row is one line with a tick box: without this the list measures all its rows
        # (14,000 at 1000x) each time it is filled.
        self.sections.setUniformItemSizes(True)
        name_widget(self.sections, "clarificationSections", "Sections the answer affects")
        self.answer = QPlainTextEdit()
        name_widget(self.answer, "clarificationAnswer", "The department's answer")
        self.answer.setMaximumHeight(70)
        self.answer.setTabChangesFocus(True)
        self.answered_on = QLineEdit()
        name_widget(self.answered_on, "clarificationAnsweredOn", "Answered on")
        self.answered_on.setPlaceholderText("e.g. Thu 1 Sep 2005")

        buttons = QHBoxLayout()
        for text, name, slot in (
            ("New question", "newClarification", self.new_question),
            ("Save question", "saveClarification", self.save_question),
            ("Record answer", "recordClarificationAnswer", self.record_answer),
            ("Delete…", "deleteClarification", self.delete_current),
        ):
            button = QPushButton(text)
            name_widget(button, name, text.rstrip("…"))
            button.clicked.connect(slot)
            button.setProperty("editsBid", True)  # disabled by the main window when read-only
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.message = QLabel()
        self.message.setObjectName("clarificationMessage")
        self.message.setWordWrap(True)

        form = tidy_form(QFormLayout())  # the one form layout (ui/widgets.py)
        form.addRow("Question:", self.question)
        form.addRow("Asked on:", self.asked_on)
        form.addRow("Answer:", self.answer)
        form.addRow("Answered on:", self.answered_on)
        details = QWidget()
        details_layout = QHBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        # The form keeps its rows together at the top; a tall window adds space below it.
        form_column = QVBoxLayout()
        form_column.addLayout(form)
        form_column.addStretch(1)
        details_layout.addLayout(form_column, 3)
        affects = QVBoxLayout()
        affects.addWidget(QLabel("The answer affects (tick):"))
        affects.addWidget(self.sections, 1)
        details_layout.addLayout(affects, 2)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(details, 1)
        lower_layout.addLayout(buttons)
        lower_layout.addWidget(self.message)
        note = QLabel(
            "Recording an answer sends each affected approved section back to "
            "“ready for review”, with a review comment saying why."
        )
        note.setWordWrap(True)
        lower_layout.addWidget(note)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        splitter.setSizes([300, 400])
        self.page_layout.addWidget(splitter, 1)
        self.refresh()

    def refresh(self) -> None:
        view = clarification_service.clarifications_view(self.workspace)
        rows = view.rows
        self._heads = view.heads
        self._fill_sections(view.outline)
        keep = self.current_id
        self.model.set_rows(rows)
        self.table.fit_columns()
        self.current_id = None
        self._select(keep)

    def _select(self, keep: int | None) -> None:
        for index, row in enumerate(self.model.rows):
            if row.id == keep:
                self.table.view.selectRow(
                    self.table.proxy.mapFromSource(self.model.index(index, 0)).row()
                )
                break
        else:
            self._show(None)

    def update_rows(self, changes: ChangeSet) -> None:
        """Questions that changed are redrawn in place; the section list only if one was renamed,
        added, removed or moved (saving a section's text changes nothing here)."""
        # Only a change to the sections can rename, add, remove or move one: other writes (a
        # Gantt drag, a council edit) do not read all the sections' heads again.
        heads = (
            section_service.section_head_rows(self.workspace)
            if changes.touches("section")
            else self._heads
        )
        renamed = heads != self._heads
        if not changes.touches("clarification", "clarification_section") and not renamed:
            return
        self._heads = heads
        outline = section_service.outline_rows(self.workspace, text=False) if renamed else None
        rows = clarification_service.clarifications(self.workspace)
        # Someone else's save must not wipe what this user is typing: the table shows theirs,
        # the form keeps the typing, and its save merges from what the form loaded.
        typing, ticked = self._typing(), self._chosen_sections()
        if outline is not None:
            self._fill_sections(outline)
        before = {row.id: row for row in self.model.rows}
        # The row being typed in may leave the table: the form stays as typed meanwhile.
        self._keeping_form = typing
        try:
            self.model.merge_rows(rows, key=_row_id)
        finally:
            self._keeping_form = False
        current = next((row for row in rows if row.id == self.current_id), None)
        if typing:
            self._tick(ticked)
            if current is None:
                self._gone()
        elif self.current_id is not None and current is None:
            self._show(None)
        elif current is not None and (outline is not None or before.get(current.id) != current):
            self._show(current)

    def _typing(self) -> bool:
        """The form differs from the question it loaded: the user is typing (or ticking)."""
        if self._loaded is None:
            return False
        values = self._loaded.fields.values
        shown = (
            self.question.toPlainText(),
            self.asked_on.text(),
            self.answer.toPlainText(),
            self.answered_on.text(),
        )
        loaded = (
            values["question"],
            _day(values["asked_on"]),
            values["answer"],
            _day(values["answered_on"]),
        )
        return shown != loaded or self._chosen_sections() != self._loaded.section_ids

    def _gone(self) -> None:
        """The question in the form was deleted by someone else: the typing stays, and saving
        adds it as a new question."""
        self.current_id, self._loaded = None, None
        self._keeping_form = True
        try:
            self.table.view.clearSelection()  # no row: the form is a new question now
        finally:
            self._keeping_form = False
        self.message.setText(
            "Someone else deleted this question while you edited it. What you typed is kept: "
            "Save question adds it again."
        )

    def _after_own_edit(self) -> None:
        """The change set has updated the table; keep the question worked on selected."""
        keep, self.current_id = self.current_id, None
        self._select(keep)

    def _fill_sections(self, outline: list[section_service.SectionInfo]) -> None:
        self.sections.clear()
        for info in outline:
            item = QListWidgetItem(f"{info.number} {info.title}".strip())
            item.setData(Qt.ItemDataRole.UserRole, info.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.sections.addItem(item)

    def select_item(self, kind: str, key: object) -> bool:
        """The Export page's preflight opens an unanswered question here."""
        if kind != "clarification":
            return False
        self.table.filter_box.clear()
        return select_row_by_id(self.table.view, key)

    def _row_changed(self, current: object, _previous: object) -> None:
        from PySide6.QtCore import QModelIndex

        assert isinstance(current, QModelIndex)
        if self._keeping_form:
            return
        row = current.data(ROW_ROLE) if current.isValid() else None
        self._show(row if isinstance(row, clarification_service.ClarificationRow) else None)

    def _show(self, row: Row | None) -> None:
        self.current_id = row.id if row else None
        # What the form loaded: its save writes only what the user changed since (issue 22).
        self._loaded = clarification_service.question_loaded(row) if row else None
        self.question.setPlainText(row.question if row else "")
        self.asked_on.setText(optional_date(row.asked_on) if row else "")
        self.answer.setPlainText(row.answer if row else "")
        self.answered_on.setText(optional_date(row.answered_on) if row else "")
        self._tick(set(row.section_ids) if row else set())

    def _tick(self, chosen: set[int]) -> None:
        for i in range(self.sections.count()):
            item = self.sections.item(i)
            ticked = int(item.data(Qt.ItemDataRole.UserRole)) in chosen
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)

    def _chosen_sections(self) -> set[int]:
        return {
            int(self.sections.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.sections.count())
            if self.sections.item(i).checkState() == Qt.CheckState.Checked
        }

    def _date(self, box: QLineEdit, what: str) -> date | None:
        text = box.text().strip()
        if not text:
            return None
        try:
            return parse_date(text)
        except ValueError as error:
            raise clarification_service.ClarificationError(f"{what} '{text}': {error}") from None

    def _tell(self, text: str) -> None:
        QMessageBox.warning(self, "Clarification log", text)

    def _confirm(self, title: str, text: str) -> bool:
        answer = QMessageBox.question(self, title, text)
        return answer == QMessageBox.StandardButton.Yes

    def new_question(self) -> None:
        self.table.view.clearSelection()
        self._show(None)
        self.asked_on.setText(optional_date(date.today()))
        self.question.setFocus()

    def save_question(self) -> None:
        try:
            asked = self._date(self.asked_on, "Asked on")
            if self.current_id is None:
                self.current_id = clarification_service.add_question(
                    self.workspace, self.question.toPlainText(), asked, self._chosen_sections()
                )
            else:
                self._save(self._form(asked))
        except RowGoneError as error:
            self._gone()
            self._tell(str(error))
            return
        except clarification_service.ClarificationError as error:
            self._tell(str(error))
            return
        # A new question's row has no answer yet: an answer typed already stays in the form
        # (one kept from a question deleted meanwhile), for Record answer.
        answer, answered = self.answer.toPlainText(), self.answered_on.text()
        self.message.setText("Question saved.")
        self._after_own_edit()
        if answer and not self.answer.toPlainText():
            self.answer.setPlainText(answer)
            self.answered_on.setText(answered)

    def record_answer(self) -> None:
        try:
            answered = self._date(self.answered_on, "Answered on") or date.today()
            if self.current_id is None:
                raise clarification_service.ClarificationError(
                    "Choose (or save) the question the answer belongs to first."
                )
            # The ticks and wording on screen are what the answer is recorded against.
            form = replace(
                self._form(self._date(self.asked_on, "Asked on")),
                answer=self.answer.toPlainText(),
                answered_on=answered,
            )
            saved = self._save(form)
        except RowGoneError as error:
            self._gone()
            self._tell(str(error))
            return
        except clarification_service.ClarificationError as error:
            self._tell(str(error))
            return
        self.message.setText(
            "Answer recorded."
            + (
                f" Sent back to ready for review: section {', '.join(saved.sent_back)}."
                if saved.sent_back
                else " No approved section was affected."
            )
        )
        self._after_own_edit()

    def _form(self, asked: date | None) -> clarification_service.QuestionForm:
        return clarification_service.QuestionForm(
            self.question.toPlainText(), asked, frozenset(self._chosen_sections())
        )

    def _save(
        self, form: clarification_service.QuestionForm
    ) -> clarification_service.QuestionSaved:
        """Save the shown question over what the form loaded, merged with others' saves since;
        a field both changed asks keep mine or theirs."""
        from crmbid_desktop.ui.save_conflicts import settle

        assert self.current_id is not None
        question_id = self.current_id
        # What the form showed; a question just added is as its row in the table says.
        loaded = self._loaded or clarification_service.question_loaded(
            next(row for row in self.model.rows if row.id == question_id)
        )
        saved = clarification_service.save_question(self.workspace, question_id, loaded, form)

        def save_again(base: Loaded, chosen: dict[str, object]) -> SaveResult:
            # Theirs everywhere but the fields kept as mine; the ticks were merged already.
            again = replace(form, **{**base.values, **chosen})  # type: ignore[arg-type]
            loaded = clarification_service.QuestionLoaded(base, form.section_ids)
            nonlocal saved
            saved = clarification_service.save_question(self.workspace, question_id, loaded, again)
            return saved.result

        settle(
            self,
            saved.result,
            save_again,
            labels=clarification_service.QUESTION_LABELS,
            what="the question",
            texts=clarification_service.QUESTION_TEXTS,
        )
        # The question as saved now (others' changes merged in, or theirs kept): the table and
        # the form show it, and the next save starts from it.
        rows = clarification_service.clarifications(self.workspace)
        self.model.merge_rows(rows, key=_row_id)
        self._show(next((row for row in rows if row.id == question_id), None))
        return saved

    def delete_current(self) -> None:
        if self.current_id is None:
            return
        if self._confirm(
            "Delete question",
            "Delete this question and its answer?\n\nEdit > Undo (Ctrl+Z) brings it back.",
        ):
            with self.undo_stack.gathering("Delete question"):
                clarification_service.delete_question(self.workspace, self.current_id)
