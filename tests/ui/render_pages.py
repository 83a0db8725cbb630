"""Render every page, its tabs and the diff dialogs to PNG; list labels whose text does not fit.

Run by test_render_pages.py. Each page is shown on its first tab, then on each of its other tabs
(Gantt chart, Reviews, History, Risks, Budget…); then the version comparison and take-back
dialogs, whose diff colours the pages do not show.

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
from PySide6.QtWidgets import QApplication, QLabel, QTabWidget, QWidget  # noqa: E402

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
        suffix = f"x{scale}-{scheme}.png"
        for index, spec in enumerate(PAGES):
            window.go_to(index)
            page = window.current_page()
            page.refresh()
            _settle(app)
            window.grab().save(str(out / f"{index + 1}-{spec.object_name}-{suffix}"))
            problems += _report_clipped(page, window, spec.object_name)
            for tabs in page.findChildren(QTabWidget):
                if not _shown(tabs, window):
                    continue
                for tab in range(1, tabs.count()):
                    tabs.setCurrentIndex(tab)
                    _settle(app)
                    where = f"{spec.object_name}-tab-{_slug(tabs.tabText(tab))}"
                    window.grab().save(str(out / f"{index + 1}-{where}-{suffix}"))
                    problems += _report_clipped(page, window, where)
                tabs.setCurrentIndex(0)
        problems += _render_diff_dialogs(app, out, suffix)
        window.close()
        workspace.close()
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print(f"DONE {problems}", flush=True)
    return 0


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


def _slug(text: str) -> str:
    words = text.replace("&", "").split("(")[0]
    return "-".join(words.lower().split())


def _report_clipped(page: QWidget, window: QWidget, where: str) -> int:
    problems = 0
    for label in page.findChildren(QLabel):
        reason = clipped(label)
        if reason and _shown(label, window):
            problems += 1
            text = " ".join(label.text().split())[:80]
            print(f"CLIPPED {where} {label.objectName() or '?'} “{text}” {reason}")
    return problems


OLDER = (
    "The councils will run the CRM National Project from April 2006.\n\n"
    "Hosting stays with the current supplier for the first year."
)
NEWER = (
    "The partner councils will run the CRM National Project from 1 April 2006.\n\n"
    "Hosting moves to Newham after the first year.\n\n"
    "A steering group of the four lead councils meets monthly."
)


def _render_diff_dialogs(app: QApplication, out: Path, suffix: str) -> int:
    """The version comparison and a take-back diff: added and removed words in both palettes."""
    from datetime import datetime

    from PySide6.QtWidgets import QHBoxLayout, QTextBrowser

    from crmbid_desktop.services.sections import VersionRow
    from crmbid_desktop.ui.exchange.take_back_dialog import diff_html
    from crmbid_desktop.ui.sections.history import CompareDialog

    host = QWidget()
    versions = [
        VersionRow(2, datetime(2005, 8, 24, 16, 5), "jo", "Steering group added", NEWER),
        VersionRow(1, datetime(2005, 8, 22, 9, 30), "jo", "First draft", OLDER),
    ]
    compare = CompareDialog(versions, host)
    compare.resize(900, 420)
    compare.show()
    _settle(app)
    compare.grab().save(str(out / f"90-compare-versions-{suffix}"))
    problems = _report_clipped(compare, compare, "compare-versions")
    compare.close()

    take_back = QWidget()
    take_back.setObjectName("takeBackDiff")
    row = QHBoxLayout(take_back)
    for side in ("current", "returned"):
        view = QTextBrowser()
        view.setHtml(diff_html(OLDER, NEWER, side, view))
        row.addWidget(view)
    take_back.resize(900, 300)
    take_back.show()
    _settle(app)
    take_back.grab().save(str(out / f"91-take-back-diff-{suffix}"))
    take_back.close()
    return problems


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0


if __name__ == "__main__":
    raise SystemExit(main())
