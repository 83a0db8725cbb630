"""One service API: no page opens a session on the bid; services do, and hand back dataclasses.

import-linter keeps the store and SQLAlchemy out of the ui (pyproject.toml); this keeps the
Workspace's sessions out of it too, which an import check cannot see.
"""

from __future__ import annotations

import ast
from pathlib import Path

import crmbid_desktop

UI = Path(crmbid_desktop.__file__).parent / "ui"
SESSION_OPENERS = {"reading", "writing", "edit"}
#: Files allowed to open a session themselves: none.
NOT_YET_MOVED: set[str] = set()


def _sessions_opened(path: Path, root: Path = UI) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in SESSION_OPENERS
            and ast.unparse(node.value).endswith("workspace")
        ):
            found.append(f"{path.relative_to(root).as_posix()}:{node.lineno} {ast.unparse(node)}")
    return found


def test_no_page_opens_a_session_on_the_bid() -> None:
    opened = [
        place
        for path in sorted(UI.rglob("*.py"))
        if path.relative_to(UI).as_posix() not in NOT_YET_MOVED
        for place in _sessions_opened(path)
    ]
    assert opened == [], "ask a service instead:\n" + "\n".join(opened)


def test_the_check_sees_a_session_opened(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        "def refresh(self):\n    with self.workspace.reading() as session:\n        pass\n",
        encoding="utf-8",
    )
    assert _sessions_opened(page, tmp_path) == ["page.py:2 self.workspace.reading"]
