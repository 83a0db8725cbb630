"""Render every page to PNG and list labels whose text does not fit (run by test_render_pages.py).

Usage: QT_SCALE_FACTOR=2 python tests/ui/render_pages.py OUT_DIR light|dark
Prints one ``CLIPPED <page> <label> <text> …`` line per label that does not fit, then ``DONE``.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import QApplication, QLabel, QWidget  # noqa: E402

WINDOW_SIZE = (1280, 800)  # logical pixels: a 1366x768 laptop less the task bar, roughly


def dark_palette() -> QPalette:
    """Close to Windows 11's dark mode as Qt's Fusion style shows it."""
    palette = QPalette()
    colours = {
        QPalette.ColorRole.Window: "#202020",
        QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Base: "#2b2b2b",
        QPalette.ColorRole.AlternateBase: "#323232",
        QPalette.ColorRole.Text: "#ffffff",
        QPalette.ColorRole.Button: "#2d2d2d",
        QPalette.ColorRole.ButtonText: "#ffffff",
        QPalette.ColorRole.Highlight: "#0078d4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.ToolTipBase: "#2b2b2b",
        QPalette.ColorRole.ToolTipText: "#ffffff",
        QPalette.ColorRole.PlaceholderText: "#a0a0a0",
        QPalette.ColorRole.Link: "#6cb4ff",
        QPalette.ColorRole.Mid: "#3c3c3c",
        QPalette.ColorRole.Dark: "#1a1a1a",
        QPalette.ColorRole.Light: "#4a4a4a",
    }
    for role, value in colours.items():
        palette.setColor(role, QColor(value))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#7a7a7a"))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#7a7a7a"))
    return palette


def clipped(label: QLabel) -> str:
    """Why the label's text does not fit its widget, or ""."""
    if not label.text() or not label.isVisible():
        return ""
    size = label.size()
    if label.wordWrap():
        needed = label.heightForWidth(size.width())
        if needed > size.height() + 1:
            return f"needs height {needed}, has {size.height()}"
        return ""
    hint = label.minimumSizeHint()
    if hint.width() > size.width() + 1 or hint.height() > size.height() + 1:
        return f"needs {hint.width()}x{hint.height()}, has {size.width()}x{size.height()}"
    return ""


def main() -> int:
    out = Path(sys.argv[1])
    scheme = sys.argv[2]
    out.mkdir(parents=True, exist_ok=True)
    scale = os.environ.get("QT_SCALE_FACTOR", "1")
    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    if scheme == "dark":
        app.setPalette(dark_palette())

    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid_files import open_workspace
    from crmbid_desktop.services.bid_template import create_bid
    from crmbid_desktop.ui.main_window import PAGES, MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    home = Path(tempfile.mkdtemp(prefix="render-pages-"))
    try:
        paths = AppPaths.under(home).ensure()
        create_bid(home / "bid.crmbid").close()
        workspace = open_workspace(home / "bid.crmbid", paths)
        window = MainWindow(workspace, WindowState(paths.settings_file))
        window.resize(*WINDOW_SIZE)
        window.show()
        dashboard = window.page(0)
        dashboard.today = lambda: date(2005, 6, 1)  # type: ignore[attr-defined]
        problems = 0
        for index, spec in enumerate(PAGES):
            window.go_to(index)
            page = window.current_page()
            page.refresh()
            for _ in range(3):
                app.processEvents()
            name = f"{index + 1}-{spec.object_name}-x{scale}-{scheme}.png"
            window.grab().save(str(out / name))
            for label in page.findChildren(QLabel):
                reason = clipped(label)
                if reason and _shown(label, window):
                    problems += 1
                    text = " ".join(label.text().split())[:80]
                    print(
                        f"CLIPPED {spec.object_name} {label.objectName() or '?'} “{text}” {reason}"
                    )
        window.close()
        workspace.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"DONE {problems}", flush=True)
    return 0


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0


if __name__ == "__main__":
    raise SystemExit(main())
