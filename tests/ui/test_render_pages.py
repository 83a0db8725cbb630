"""Every page rendered at 100% and 200% scale in light and dark palettes; no label may clip.

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

from tests.ui.render_pages import clipped

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tests" / "ui" / "render_pages.py"
ARTIFACTS = ROOT / "tests" / "artifacts" / "pages"


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["1", "2"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_renders_without_clipped_labels(scale: str, scheme: str) -> None:
    env = dict(os.environ, QT_SCALE_FACTOR=scale, QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT)
    result = subprocess.run(
        [sys.executable, str(SCRIPT), str(ARTIFACTS), scheme],
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
    pngs = sorted(ARTIFACTS.glob(f"*-x{scale}-{scheme}.png"))
    assert len(pngs) == 15  # 8 pages, 5 more tabs, 2 diff dialogs


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
