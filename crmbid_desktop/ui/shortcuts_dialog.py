"""Help > Keyboard shortcuts…: every shortcut, read from the live menus and pages so it never goes stale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMenu,
    QMenuBar,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.ui.widgets import name_widget


@dataclass(frozen=True)
class ShortcutRow:
    where: str  # "File", "Edit", "Sections page"
    what: str
    keys: str


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip(".…").strip()


def _keys(sequences: Iterable[QKeySequence]) -> str:
    texts = [
        s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if not s.isEmpty()
    ]
    return ", ".join(texts)


def menu_shortcuts(menu_bar: QMenuBar) -> list[ShortcutRow]:
    """Every menu command with a shortcut, named by its menu path (File > New bid)."""
    rows: list[ShortcutRow] = []

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            submenu = action.menu()
            if isinstance(submenu, QMenu):
                walk(submenu, f"{path} > {_plain(action.text())}")
            elif not action.isSeparator() and (keys := _keys(action.shortcuts())):
                # Undo and Redo name the last edit in their text; the list names the command.
                name = action.property("commandName") or _plain(action.text())
                rows.append(ShortcutRow(path, str(name), keys))

    for action in menu_bar.actions():
        menu = action.menu()
        if isinstance(menu, QMenu):
            walk(menu, _plain(action.text()))
    return rows


#: Keys handled by widgets themselves rather than by a command, listed so they can be found.
MOVING_AROUND = (
    ShortcutRow("Everywhere", "Next field, or back (Shift)", "Tab, Shift+Tab"),
    ShortcutRow(
        "Sections page",
        "Leave the section text (Tab there indents a list item)",
        "Ctrl+Tab, Ctrl+Shift+Tab",
    ),
    ShortcutRow("Tables", "Move between rows and cells", "Arrow keys"),
)


def widget_shortcuts(root: QWidget, where: str) -> list[ShortcutRow]:
    """Shortcuts that belong to a page: its actions (toolbars) and QShortcuts."""
    rows: list[ShortcutRow] = []
    seen: set[tuple[str, str]] = set()
    for action in root.findChildren(QAction):
        keys = _keys(action.shortcuts())
        what = _plain(action.toolTip().split(" (")[0] or action.text())
        if keys and (what, keys) not in seen:
            seen.add((what, keys))
            rows.append(ShortcutRow(where, what, keys))
    for shortcut in root.findChildren(QShortcut):
        keys = _keys([shortcut.key()])
        what = shortcut.whatsThis() or shortcut.objectName() or "(page command)"
        if keys and (what, keys) not in seen:
            seen.add((what, keys))
            rows.append(ShortcutRow(where, what, keys))
    return rows


class ShortcutsDialog(QDialog):
    def __init__(self, rows: list[ShortcutRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.setAccessibleName("Keyboard shortcuts")
        self.rows = rows
        self.table = QTreeWidget()
        name_widget(self.table, "shortcutsTable", "Keyboard shortcuts")
        self.table.setColumnCount(3)
        self.table.setHeaderLabels(["Keys", "Command", "Where"])
        self.table.setRootIsDecorated(False)
        for row in rows:
            self.table.addTopLevelItem(QTreeWidgetItem([row.keys, row.what, row.where]))
        header = self.table.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.setObjectName("shortcutsButtons")
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        name_widget(close, "shortcutsCloseButton", "Close")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        metrics = self.fontMetrics()
        self.resize(metrics.averageCharWidth() * 90, metrics.height() * 30)
