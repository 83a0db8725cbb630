"""Every page rendered on the screens bid officers have, in light and dark palettes; nothing clips.

1024x768 and 1366x768 at 100%, 1920x1080 at 150% (1280x720 logical pixels) and 200%. Nothing a
user must read or reach may be cut off: labels, combo boxes, placeholders, fields and buttons,
toolbars (no »), the page list, and each table's key columns (see render_pages.py).
Each scale runs in its own process (QT_SCALE_FACTOR is read once, at QApplication start). The
PNGs stay in tests/artifacts/pages/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel

from tests.helpers.qt import child
from tests.ui.render_pages import clipped

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "ui" / "render_pages.py"
ARTIFACTS = ROOT / "tests" / "artifacts" / "pages"


SCREENS = [
    ("1", "1024x768"),
    ("1", "1366x768"),
    ("1.5", "1280x720"),  # 1920x1080 at 150%
    ("2", "1280x800"),  # 2560x1600 at 200%
]


@pytest.mark.slow
@pytest.mark.parametrize(("scale", "size"), SCREENS)
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_renders_without_clipped_labels(scale: str, size: str, scheme: str) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM="offscreen", RENDER_SIZE=size)
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(ARTIFACTS / size), scheme],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines and lines[-1].startswith("DONE"), result.stdout + result.stderr
    clipped_lines = [line for line in lines if line.startswith("CLIPPED")]
    assert not clipped_lines, "\n".join(clipped_lines)
    pngs = sorted((ARTIFACTS / size).glob(f"*-x{scale}-{scheme}.png"))
    assert len(pngs) == 21  # 8 pages, 5 more tabs, 2 diff dialogs, 6 form dialogs


def test_the_clipping_check_sees_a_clipped_label(qtbot: object) -> None:
    label = QLabel("A label with far more text than its width allows")
    qtbot.addWidget(label)  # type: ignore[attr-defined]
    label.show()
    label.setFixedWidth(40)
    assert "needs" in clipped(label)
    label.setMinimumWidth(0)
    label.setMaximumWidth(10_000)
    label.resize(label.sizeHint())
    assert clipped(label) == ""
    label.setWordWrap(True)
    label.setFixedSize(60, 10)
    assert "needs height" in clipped(label)


def test_the_check_sees_a_field_cut_off_and_a_hidden_toolbar_button(qtbot: object) -> None:
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QToolBar, QWidget

    from tests.ui.render_pages import combo_clipped, out_of_view, placeholder_clipped

    window = QWidget()
    qtbot.addWidget(window)  # type: ignore[attr-defined]
    row = QHBoxLayout(window)
    pane = QWidget()  # a pane narrower than the field placed in it: the field runs off its edge
    pane.setFixedSize(200, 40)
    edit = QLineEdit(pane)
    edit.setPlaceholderText("A hint far longer than the field can show")
    edit.setGeometry(100, 5, 300, 24)
    combo = QComboBox()
    combo.addItem("(no council)")
    combo.setFixedWidth(60)
    row.addWidget(combo)
    row.addWidget(pane)
    window.show()
    qtbot.waitExposed(window)  # type: ignore[attr-defined]
    assert "only" in out_of_view(edit, window)
    assert "text needs" in combo_clipped(combo)
    edit.setMinimumWidth(0)
    edit.setFixedWidth(60)
    assert "placeholder needs" in placeholder_clipped(edit)
    toolbar = QToolBar()
    for number in range(12):
        toolbar.addAction(QAction(f"Button {number}", toolbar))
    row.addWidget(toolbar)
    toolbar.setFixedWidth(120)
    qtbot.waitUntil(  # type: ignore[attr-defined]
        lambda: child(toolbar, QWidget, "qt_toolbar_ext_button").isVisible()
    )
