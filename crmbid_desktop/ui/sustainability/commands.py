"""Undo commands for edits already made: the first redo is the edit itself, done before pushing.

Doing the edit first lets the tab show a clear message if the bid refuses it, instead of an
exception vanishing inside Qt's call to redo().
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand


class DoneCommand(QUndoCommand):
    def __init__(
        self,
        text: str,
        undo: Callable[[], None],
        redo: Callable[[], None],
        on_error: Callable[[Exception], None],
    ) -> None:
        super().__init__(text)
        self._undo, self._redo, self._on_error = undo, redo, on_error
        self._done = True

    def redo(self) -> None:
        if self._done:  # the edit was made before the command was pushed
            self._done = False
            return
        self._run(self._redo)

    def undo(self) -> None:
        self._run(self._undo)

    def _run(self, action: Callable[[], None]) -> None:
        try:
            action()
        except Exception as error:  # a Qt virtual must not raise; the tab tells the user
            self._on_error(error)
