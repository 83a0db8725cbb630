"""The program's icons: Material Design Icons (qtawesome's bundled font, Apache 2.0), one per task.

Icons are drawn from a font in the palette's text colour, so they read in light and dark palettes
and stay sharp at any display scale. qtawesome takes about a quarter of a second to load, so at
start-up icons are put in place just after the window's first paint (see `hold` and `release`);
outside start-up (tests, pages built later) they are set at once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

#: What each icon means in this program -> its Material Design Icons 6 name.
NAMES: dict[str, str] = {
    # pages
    "dashboard": "mdi6.view-dashboard-outline",
    "partners": "mdi6.account-group-outline",
    "timetable": "mdi6.calendar-clock",
    "sections": "mdi6.file-document-edit-outline",
    "criteria": "mdi6.order-bool-ascending-variant",
    "clarifications": "mdi6.comment-question-outline",
    "sustainability": "mdi6.sprout-outline",
    "export": "mdi6.file-word-outline",
    # everyday actions
    "add": "mdi6.plus",
    "add-sub": "mdi6.file-tree-outline",
    "delete": "mdi6.delete-outline",
    "edit": "mdi6.pencil-outline",
    "up": "mdi6.arrow-up",
    "down": "mdi6.arrow-down",
    "indent": "mdi6.format-indent-increase",
    "outdent": "mdi6.format-indent-decrease",
    "find": "mdi6.magnify",
    "find-replace": "mdi6.find-replace",
    "import": "mdi6.file-import-outline",
    "export-file": "mdi6.file-export-outline",
    "calendar": "mdi6.calendar-export",
    "attach": "mdi6.paperclip",
    "open": "mdi6.open-in-new",
    "save-copy": "mdi6.content-save-outline",
    "remove": "mdi6.close",
    "contact-add": "mdi6.account-plus-outline",
    "contact-remove": "mdi6.account-remove-outline",
    "undo": "mdi6.undo",
    "redo": "mdi6.redo",
    "cut": "mdi6.content-cut",
    "copy": "mdi6.content-copy",
    "paste": "mdi6.content-paste",
    "select-all": "mdi6.select-all",
    "save": "mdi6.content-save-check-outline",
    "new": "mdi6.file-plus-outline",
    "open-file": "mdi6.folder-open-outline",
    "settings": "mdi6.cog-outline",
    "backups": "mdi6.backup-restore",
    "exit": "mdi6.exit-to-app",
    "keyboard": "mdi6.keyboard-outline",
    "about": "mdi6.information-outline",
    "send": "mdi6.email-arrow-right-outline",
    "take-back": "mdi6.email-arrow-left-outline",
    "merge": "mdi6.call-merge",
    "details": "mdi6.card-text-outline",
    "answer": "mdi6.reply-outline",
    "review": "mdi6.comment-check-outline",
    "restore": "mdi6.history",
    "compare": "mdi6.compare-horizontal",
    "presence": "mdi6.account-edit-outline",
    # formatting
    "bold": "mdi6.format-bold",
    "italic": "mdi6.format-italic",
    "underline": "mdi6.format-underline",
    "heading-1": "mdi6.format-header-1",
    "heading-2": "mdi6.format-header-2",
    "body": "mdi6.format-paragraph",
    "bullets": "mdi6.format-list-bulleted",
    "numbers": "mdi6.format-list-numbered",
    "table": "mdi6.table-plus",
    "link": "mdi6.link-variant",
}


class HasIcon(Protocol):
    def setIcon(self, icon: QIcon, /) -> None: ...


_held = False
_pending: list[Callable[[], None]] = []


def icon(name: str) -> QIcon:
    """The icon for `name` (a key of NAMES) in the application palette's text colours."""
    os.environ.setdefault("QT_API", "pyside6")  # QtPy would look for PyQt5 first
    import qtawesome  # loaded on first use: see the module docstring

    palette = QApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    selected = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText)
    options: dict[str, Any] = {
        "color": normal,
        "color_disabled": disabled,
        "color_active": normal,
        "color_selected": selected,
    }
    result: QIcon = qtawesome.icon(NAMES[name], **options)
    return result


def set_icon(target: HasIcon, name: str) -> None:
    """Give a button, action or list item its icon (just after the first paint at start-up)."""

    def apply() -> None:
        # A widget deleted before start-up finished has nothing left to draw on.
        with contextlib.suppress(RuntimeError):
            target.setIcon(icon(name))

    if _held:
        _pending.append(apply)
    else:
        apply()


def hold() -> None:
    """Start-up: keep icons back until `release`, so loading them never delays the first paint."""
    global _held
    _held = True


def release() -> None:
    """Put every held-back icon in place; from now on icons are set at once."""
    global _held
    _held = False
    waiting = list(_pending)
    _pending.clear()
    for apply in waiting:
        apply()


#: Words in a push button's object name -> its icon, first match wins: every page's buttons get
#: the same icon for the same kind of command without each page naming it.
BUTTON_WORDS: tuple[tuple[str, str], ...] = (
    ("import", "import"),
    ("export", "export-file"),
    ("attach", "attach"),
    ("addcontact", "contact-add"),
    ("removecontact", "contact-remove"),
    ("add", "add"),
    ("new", "add"),
    ("delete", "delete"),
    ("remove", "remove"),
    ("edit", "edit"),
    ("open", "open"),
    ("save", "save-copy"),
    ("restore", "restore"),
    ("compare", "compare"),
    ("answer", "answer"),
)


def icon_for_button(object_name: str) -> str:
    """The icon name for a push button named `object_name`, or "" for none."""
    key = object_name.casefold()
    return next((name for word, name in BUTTON_WORDS if word in key), "")


def decorate_buttons(root: QWidget) -> None:
    """Give every push button under `root` the icon for its kind of command."""
    for button in root.findChildren(QPushButton):
        name = icon_for_button(button.objectName())
        if name and button.icon().isNull():
            set_icon(button, name)
