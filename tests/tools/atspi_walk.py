"""Walk the running program's accessibility tree through AT-SPI, as Orca reads it.

Run with the system Python that has pyatspi (Debian's python3-pyatspi), in the same D-Bus session
as the program, which runs on X (Xvfb) with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1. It selects each
page through the page list's accessibility Selection interface (as a screen reader does), checks
the page shown follows, and lists every interactive control that has no name.

Prints ``PAGE <title> ok|NOT SHOWN``, ``UNNAMED <page> <role> <path>`` and ``DONE <problems>``.
Usage: python3 atspi_walk.py APP_NAME PAGE_TITLE...
"""

from __future__ import annotations

import sys
import time
from typing import Any

import pyatspi

# Roles a user operates: each must say what it is. Containers, cells, list and menu items (named
# by their own text), scroll bars and splitters are not in the list: the allow-list of the issue.
INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_TABLE,
    pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_TREE,
    pyatspi.ROLE_PAGE_TAB_LIST,
    pyatspi.ROLE_SLIDER,
}


def find_app(name: str, timeout: float = 60.0) -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    end = time.time() + timeout
    while time.time() < end:
        for app in desktop:
            if app is not None and app.name == name:
                return app
        time.sleep(0.5)
    raise SystemExit(f"no application called {name!r} on the accessibility bus")


def walk(node: Any, depth: int = 0) -> Any:
    yield node, depth
    if depth > 60:
        return
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        if child is not None:
            yield from walk(child, depth + 1)


def showing(node: Any) -> bool:
    try:
        return node.getState().contains(pyatspi.STATE_SHOWING)
    except Exception:
        return False


def labelled(node: Any) -> bool:
    """A label tied to the control (Qt's buddy): a screen reader reads it with the control."""
    try:
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
                return True
    except Exception:
        return False
    return False


def path_of(node: Any) -> str:
    parts: list[str] = []
    current = node
    while current is not None and len(parts) < 6:
        try:
            parts.append(f"{current.getRoleName()}:{current.name!r}")
            current = current.parent
        except Exception:
            break
    return " < ".join(parts)


CHECKED = [0]


def unnamed(root: Any) -> list[str]:
    found = []
    for node, _depth in walk(root):
        try:
            role = node.getRole()
        except Exception:
            continue
        if role not in INTERACTIVE or not showing(node):
            continue
        CHECKED[0] += 1
        name = (node.name or "").strip()
        if role == pyatspi.ROLE_COMBO_BOX:
            # Qt on Linux gives a combo box without a name of its own its current value as its
            # name ("Any council"): the label must be tied to it, or it must have its own name.
            values = {
                (item.name or "").strip()
                for item, _d in walk(node)
                if item is not node
                and item.getRole() in (pyatspi.ROLE_LIST_ITEM, pyatspi.ROLE_MENU_ITEM)
            }
            if not labelled(node) and (not name or name in values):
                found.append(f"{node.getRoleName()} {path_of(node)}")
            continue
        if not name and not labelled(node):
            found.append(f"{node.getRoleName()} {path_of(node)}")
    return found


def page_list(app: Any) -> Any:
    for node, _depth in walk(app):
        if node.getRole() == pyatspi.ROLE_LIST and node.name == "Pages":
            return node
    raise SystemExit("no page list named 'Pages'")


def main() -> int:
    app_name, titles = sys.argv[1], sys.argv[2:]
    app = find_app(app_name)
    time.sleep(2)
    pages = page_list(app)
    problems = 0
    for index, title in enumerate(titles):
        pages.querySelection().selectChild(index)
        shown = False
        for _ in range(40):
            time.sleep(0.25)
            shown = any(
                showing(node) and node.description == f"{title} page" for node, _depth in walk(app)
            )
            if shown:
                break
        problems += 0 if shown else 1
        CHECKED[0] = 0
        lines = unnamed(app)
        for line in lines:
            print(f"UNNAMED {title} {line}", flush=True)
            problems += 1
        state = "ok" if shown else "NOT SHOWN"
        print(f"PAGE {title} {state} ({CHECKED[0]} controls checked)", flush=True)
    print(f"DONE {problems}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
