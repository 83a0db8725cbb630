"""Render every page, its tabs and the diff dialogs to PNG; list labels whose text does not fit.

Run by test_render_pages.py. Each page is shown on its first tab, then on each of its other tabs
(Gantt chart, Reviews, History, Risks, Budget…); then the version comparison and take-back
dialogs, whose diff colours the pages do not show.

Usage: QT_SCALE_FACTOR=1.5 RENDER_SIZE=1280x720 python tests/ui/render_pages.py OUT_DIR light|dark
RENDER_SIZE is the window in logical pixels (1920x1080 at 150% is 1280x720). Prints one
``CLIPPED <where> <widget> <text> …`` line per thing a user cannot read or reach: a label or a
combo box whose text does not fit, a field placeholder cut short, a field or button outside the
visible area, a toolbar that hides buttons behind », a table whose key columns (the
``keyColumns`` property, else all but the last) do not fit its width or whose header is cut;
then ``DONE <count>``.
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

from PySide6.QtCore import QRect  # noqa: E402
from PySide6.QtGui import QColor, QPalette  # noqa: E402
from PySide6.QtWidgets import (  # noqa: E402
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QScrollArea,
    QStyle,
    QStyleOptionComboBox,
    QTableView,
    QTabWidget,
    QToolBar,
    QWidget,
)

from tests.helpers.qt import child  # noqa: E402

WIDTH, HEIGHT = (int(v) for v in os.environ.get("RENDER_SIZE", "1024x768").split("x"))


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


def combo_clipped(combo: QComboBox) -> str:
    """Why the combo box's current text does not fit its edit field, or ""."""
    text = combo.currentText()
    if not text or combo.isEditable():
        return ""
    option = QStyleOptionComboBox()
    combo.initStyleOption(option)
    field = combo.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, combo
    )
    needed = combo.fontMetrics().horizontalAdvance(text)
    if needed > field.width() + 1:
        return f"text needs {needed}, field has {field.width()}"
    return ""


def placeholder_clipped(edit: QLineEdit) -> str:
    """Why an empty field's placeholder (its hint to the user) is cut short, or ""."""
    hint = edit.placeholderText()
    if edit.text() or not hint:
        return ""
    margins = edit.textMargins()
    room = edit.contentsRect().width() - margins.left() - margins.right() - 8
    if edit.isClearButtonEnabled():
        room -= edit.height() // 2
    needed = edit.fontMetrics().horizontalAdvance(hint)
    if needed > room + 1:
        return f"placeholder needs {needed}, has {room}"
    return ""


def out_of_view(widget: QWidget, window: QWidget) -> str:
    """Why a field or button is not wholly in view (cut by the window, a pane or a splitter).

    Inside a scroll area only sideways clipping counts: scrolling down is a form's way to fit.
    """
    scroller = _scroll_area_of(widget)
    area = scroller.viewport() if scroller is not None else window
    top_left = widget.mapTo(area, widget.rect().topLeft())
    where = QRect(top_left, widget.size())
    visible = widget.visibleRegion().boundingRect()
    if scroller is not None:
        if where.left() < 0 or where.right() > area.width():
            return f"outside its pane sideways ({where.left()}..{where.right()} of {area.width()})"
        return ""
    if visible.width() + 1 < widget.width() or visible.height() + 1 < widget.height():
        return (
            f"only {visible.width()}x{visible.height()} of {widget.width()}x{widget.height()} shown"
        )
    return ""


def table_problem(view: QTableView) -> str:
    """Why a table's key columns are not all readable without scrolling sideways, or ""."""
    model = view.model()
    if model is None or model.columnCount() == 0:
        return ""
    header = view.horizontalHeader()
    count = model.columnCount()
    wanted = view.property("keyColumns")
    keys = min(int(wanted), count) if wanted is not None else max(count - 1, 1)
    room = view.viewport().width()
    shown = [c for c in range(keys) if not header.isSectionHidden(c)]
    right = max((header.sectionPosition(c) + header.sectionSize(c) for c in shown), default=0)
    if right > room + 1:
        return f"key columns need {right}, table shows {room}"
    return _header_clipped(header, shown)


def _header_clipped(header: QHeaderView, columns: list[int]) -> str:
    model = header.model()
    metrics = header.fontMetrics()
    for column in columns:
        title = str(model.headerData(column, header.orientation()) or "")
        needed = metrics.horizontalAdvance(title) + 8
        if title and needed > header.sectionSize(column):
            return f"header “{title}” needs {needed}, has {header.sectionSize(column)}"
    return ""


def _scroll_area_of(widget: QWidget) -> QScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def navigation_clipped(window: QWidget) -> list[str]:
    """The page list's entries whose name (beside its icon) does not fit the list."""
    from PySide6.QtWidgets import QListWidget

    navigation = child(window, QListWidget, "pageNavigation")
    if navigation is None:
        return ["no page list"]
    icon = max(navigation.iconSize().width(), 16)
    room = navigation.viewport().width()
    cut = []
    for row in range(navigation.count()):
        item = navigation.item(row)
        needed = navigation.fontMetrics().horizontalAdvance(item.text()) + icon + 12
        if needed > room:
            cut.append(f"CLIPPED pageNavigation “{item.text()}” needs {needed}, has {room}")
    return cut


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
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.services.bid.bid_template import create_bid
    from crmbid_desktop.ui.main_window import PAGES, MainWindow
    from crmbid_desktop.ui.window_state import WindowState

    home = Path(tempfile.mkdtemp(prefix="render-pages-"))
    try:
        paths = AppPaths.under(home).ensure()
        create_bid(home / "bid.crmbid").close()
        workspace = open_workspace(home / "bid.crmbid", paths)
        window = MainWindow(workspace, WindowState(paths.settings_file))
        window.resize(WIDTH, HEIGHT)
        window.show()
        dashboard = window.page(0)
        dashboard.today = lambda: date(2005, 8, 4)  # type: ignore[attr-defined]
        problems = 0
        for line in navigation_clipped(window):
            print(line, flush=True)
            problems += 1
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
        problems += _render_form_dialogs(app, window, out, suffix)
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

    def report(widget: QWidget, text: str, reason: str) -> None:
        nonlocal problems
        problems += 1
        text = " ".join(text.split())[:80]
        name = widget.objectName() or type(widget).__name__
        print(f"CLIPPED {where} {name} “{text}” {reason}", flush=True)

    for label in page.findChildren(QLabel):
        reason = clipped(label)
        if reason and _shown(label, window):
            report(label, label.text(), reason)
    for combo in page.findChildren(QComboBox):
        if _shown(combo, window):
            reason = combo_clipped(combo) or out_of_view(combo, window)
            if reason:
                report(combo, combo.currentText(), reason)
    for edit in page.findChildren(QLineEdit):
        if _shown(edit, window) and not isinstance(
            edit.parentWidget(), (QComboBox, QAbstractSpinBox)
        ):
            reason = placeholder_clipped(edit) or out_of_view(edit, window)
            if reason:
                report(edit, edit.placeholderText() or edit.text(), reason)
    for field in page.findChildren(QAbstractSpinBox):
        if _shown(field, window) and (reason := out_of_view(field, window)):
            report(field, field.text(), reason)
    for button in page.findChildren(QAbstractButton):
        if (
            _shown(button, window)
            and button.parentWidget() is not None
            and not isinstance(button.parentWidget(), (QToolBar, QAbstractItemView, QHeaderView))
            and not button.objectName().startswith("qt_")
            and (reason := out_of_view(button, window))
        ):
            report(button, button.text() or button.accessibleName(), reason)
    for toolbar in page.findChildren(QToolBar):
        extension = child(toolbar, QAbstractButton, "qt_toolbar_ext_button")
        if _shown(toolbar, window) and extension is not None and extension.isVisible():
            report(toolbar, toolbar.windowTitle(), "buttons hidden behind »")
    for table in page.findChildren(QTableView):
        if _shown(table, window) and (reason := table_problem(table)):
            report(table, table.accessibleName(), reason)
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

    from crmbid_desktop.services.registers.sections import VersionRow
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
    compare.diffs.wait_idle()  # the comparison is worked out on a worker thread
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


def _render_form_dialogs(app: QApplication, window: object, out: Path, suffix: str) -> int:
    """The dialogs with forms, at the size they open: nothing cut off there either."""
    from crmbid_desktop.ui.timetable.dialogs import MilestoneDialog, TaskDialog

    timetable = window.page(2)  # type: ignore[attr-defined]
    assert isinstance(window, QWidget)
    parent = window
    dialogs = [
        ("task", TaskDialog(parent, timetable.calendar, timetable._choices(), lambda _d: None)),
        ("milestone", MilestoneDialog(parent, timetable.calendar, lambda _d: None)),
        ("settings", window.settings_dialog()),  # type: ignore[attr-defined]
        ("bid-details", window.bid_details_dialog()),  # type: ignore[attr-defined]
        ("welcome", window.welcome_dialog()),  # type: ignore[attr-defined]
        ("plan-today", window.plan_today_dialog()),  # type: ignore[attr-defined]
    ]
    problems = 0
    for number, (name, dialog) in enumerate(dialogs):
        dialog.show()
        _settle(app)
        dialog.grab().save(str(out / f"{92 + number}-{name}-dialog-{suffix}"))
        problems += _report_clipped(dialog, dialog, f"{name}-dialog")
        dialog.close()
    return problems


def _shown(widget: QWidget, window: QWidget) -> bool:
    return widget.isVisibleTo(window) and widget.width() > 0


if __name__ == "__main__":
    raise SystemExit(main())
