"""One undo history for the whole open bid: every saved edit, on any page, can be undone.

Decision: ONE application-wide stack per open bid, not one per page. "Undo" means "undo my last
change, wherever it was": after editing a partner, then a section, then switching to the
Timetable, Ctrl+Z takes back the section edit and then the partner edit, showing each page in
turn. Every page's `undo_stack` attribute is this same stack, so the main window's QUndoGroup
(whose active stack follows the page shown) always undoes the same history.

How edits get in: `Workspace.edit` reports every committed edit with the statements that take
it back (`RecordedEdit`); the history pushes a `SavedEditCommand` for each, so no page needs
code of its own for an edit to be undoable. Pattern, used everywhere: the edit has already
happened when its command is pushed, so the command's first `redo()` does nothing; later
undo/redo call `Workspace.take_back`, one transaction logged as "Undid …"/"Redid …".

An action that saves several times and should be one step runs inside
`history.gathering("Delete section 4")`: every edit saved in the block becomes one step. A pushed
QUndoCommand is treated the same way (its `redo()` runs inside `gathering`).

How pages hear of writes: the history is also the bid's one change stream on the GUI thread.
It re-emits every write's change set (`Workspace.on_changed`) as `changed`, which every page of
the bid is connected to; an undo or redo is one more write with its own change set, so no page
reloads because of undo. `applied` only says which page to show and which row to select.

Bounded: at most `MAX_STEPS` steps and `MAX_BYTES` of kept values (a removed letter's bytes
count); beyond either, the oldest steps fall off and what they kept is freed.

Typing not yet saved: Edit > Undo and Redo first ask the page shown to save it
(`Page.save_pending`, called by the main window), because taking a step rewrites its rows. The
typing becomes its own step, the one Undo then takes back, so nothing typed is lost; while it
cannot be saved (a council with no name), Undo waits and the status bar says why.

Section text: each autosave (after a pause in typing) is one step here. While the text editor
has the keyboard focus, Ctrl+Z goes to the editor's own undo (QTextEdit claims the shortcut
before the window's Edit > Undo), so typing can be taken back letter by letter as usual.
"""

from __future__ import annotations

import contextlib
import weakref
from collections.abc import Iterator

from PySide6.QtCore import Qt, QThread, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from crmbid_desktop.services.bid.changes import ChangeSet
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace

#: The history keeps at most this many steps (the README says so)...
MAX_STEPS = 200
#: ...and at most this many bytes of earlier values, removed letters included.
MAX_BYTES = 64 * 1024 * 1024


class SavedEditCommand(QUndoCommand):
    """An edit already saved when pushed: undo and redo put its rows back as they were."""

    def __init__(self, history: BidUndoStack, edit: RecordedEdit, page_name: str) -> None:
        super().__init__(edit.summary)
        self.history = history
        self.edit = edit
        self.page_name = page_name
        self.size = edit.size()
        self._saved = True

    def redo(self) -> None:
        if self._saved:  # the edit was saved before the command was pushed
            self._saved = False
            return
        self._apply("Redid")

    def undo(self) -> None:
        self._apply("Undid")

    def _apply(self, verb: str) -> None:
        workspace = self.history.workspace
        if workspace is None:
            return
        try:
            with self.history.applying():
                self.edit = workspace.take_back(self.edit, verb)
                self.size = self.edit.size()
        except Exception as error:  # a Qt virtual must not raise; nothing was changed
            # The rows moved on in a way this step cannot follow (or the bid is read-only):
            # drop the step rather than leave one that fails every time.
            self.setObsolete(True)
            step = "undo" if verb == "Undid" else "redo"
            self.history.failed.emit(f"Could not {step} “{self.text()}”: {error}")
            return
        self.history.applied.emit(self.page_name, self.edit.entity, self.edit.entity_uuid)


class BidUndoStack(QUndoStack):
    """The undo history of one open bid, shared by every page (see the module docstring)."""

    #: (page object name, entity, entity uuid) of an undone or redone edit: the page it was made
    #: on is shown with the row selected (the rows themselves update from the change set).
    applied = Signal(str, str, str)
    #: A message for the user when an undo or redo could not be applied.
    failed = Signal(str)
    _recorded_elsewhere = Signal(object)
    #: Every write's ChangeSet (edits, imports, merges, undo, redo), always on the GUI thread:
    #: every page of the bid listens, and updates just the rows it shows that changed.
    changed = Signal(object)
    _changed_elsewhere = Signal(object)

    def __init__(self, workspace: Workspace) -> None:
        super().__init__()
        self.setObjectName("bidUndoStack")
        self.setUndoLimit(MAX_STEPS)  # only allowed while the stack is empty
        self.max_bytes = MAX_BYTES
        self._workspace = weakref.ref(workspace)
        #: The page being shown; set by pages as they appear, so undo can go back to it.
        self.current_page = ""
        self._gathering: list[RecordedEdit] | None = None
        self._applying = False
        self._recorded_elsewhere.connect(self._push_recorded, Qt.ConnectionType.QueuedConnection)
        self._changed_elsewhere.connect(self.changed.emit, Qt.ConnectionType.QueuedConnection)
        workspace.on_recorded(self._on_recorded)
        workspace.on_changed(self._on_changed)

    @property
    def workspace(self) -> Workspace | None:
        return self._workspace()

    def push(self, command: QUndoCommand) -> None:
        """Add a step; a page's own command becomes one step holding every edit it saves."""
        if isinstance(command, SavedEditCommand):
            self._push_saved(command)
            return
        with self.gathering(command.text()):
            command.redo()

    @contextlib.contextmanager
    def gathering(self, text: str) -> Iterator[None]:
        """Everything saved inside the block becomes one undo step called `text`."""
        if self._gathering is not None:  # already gathering: the outer step takes it all
            yield
            return
        self._gathering = []
        try:
            yield
        finally:
            edits, self._gathering = self._gathering, None
            if edits:
                combined = edits[0]
                for later in edits[1:]:
                    combined = combined.then(later, text)
                combined = RecordedEdit(
                    text or combined.summary,
                    combined.rows,
                    combined.action,
                    combined.entity,
                    combined.entity_uuid,
                )
                self._push_saved(SavedEditCommand(self, combined, self.current_page))

    @contextlib.contextmanager
    def applying(self) -> Iterator[None]:
        """While an undo or redo runs, a page saving pending work must wait its turn."""
        self._applying = True
        try:
            yield
        finally:
            self._applying = False

    def _on_recorded(self, edit: RecordedEdit) -> None:
        if QThread.currentThread() is not self.thread() or self._applying:
            # Saved by a worker thread (the stack lives on the GUI thread), or while the stack
            # is inside undo(), where Qt does not allow a push: add it once control returns.
            self._recorded_elsewhere.emit(edit)
            return
        self._push_recorded(edit)

    def _on_changed(self, changes: ChangeSet) -> None:
        if QThread.currentThread() is not self.thread():
            self._changed_elsewhere.emit(changes)  # widgets are touched on the GUI thread only
            return
        self.changed.emit(changes)

    def _push_recorded(self, edit: RecordedEdit) -> None:
        if self._gathering is not None:
            self._gathering.append(edit)
        else:
            self._push_saved(SavedEditCommand(self, edit, self.current_page))

    def kept_bytes(self) -> int:
        """Bytes of earlier values the history keeps (what the memory budget counts)."""
        total = 0
        for index in range(self.count()):
            command = self.command(index)
            if isinstance(command, SavedEditCommand):
                total += command.size
        return total

    def _push_saved(self, command: SavedEditCommand) -> None:
        super().push(command)  # drops any redo steps, and the oldest beyond MAX_STEPS
        if self.kept_bytes() <= self.max_bytes:
            return
        # Over the budget: keep the newest steps that fit (always the one just made). Qt cannot
        # drop a stack's oldest commands, so the history is rebuilt from the steps kept; they
        # have all been done, so pushing them again changes nothing in the bid.
        kept: list[SavedEditCommand] = []
        total = 0
        for index in reversed(range(self.count())):
            step = self.command(index)
            if not isinstance(step, SavedEditCommand):
                continue
            total += step.size
            if kept and total > self.max_bytes:
                break
            kept.append(step)
        again = [SavedEditCommand(self, step.edit, step.page_name) for step in reversed(kept)]
        self.clear()
        for step_again in again:
            super().push(step_again)

    def forget(self) -> None:
        """Stop listening to the bid (it is being closed)."""
        workspace = self.workspace
        if workspace is not None:
            workspace.remove_recorded_listener(self._on_recorded)
            workspace.remove_change_listener(self._on_changed)


_histories: weakref.WeakKeyDictionary[Workspace, BidUndoStack] = weakref.WeakKeyDictionary()


def history_for(workspace: Workspace) -> BidUndoStack:
    """The one undo history of `workspace`, made on first use."""
    history = _histories.get(workspace)
    if history is None:
        history = BidUndoStack(workspace)
        _histories[workspace] = history
    return history
