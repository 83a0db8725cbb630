"""The 5x5 risk heat map: likelihood up the side, impact along the bottom, counts in the cells.

One painting routine serves the widget on screen and the PNG the Word proposal embeds.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from crmbid_desktop.domain.risk_rules import IMPACT_LABELS, LEVELS, LIKELIHOOD_LABELS, rating
from crmbid_desktop.ui.colours import blend, fill_colour, readable_on

Counts = Mapping[tuple[int, int], int]

#: The Word proposal's picture is printed on white paper whatever the screen's palette.
DOCUMENT_PALETTE = QPalette(QColor("#ffffff"))


def band_colour(band: str, palette: QPalette = DOCUMENT_PALETTE) -> QColor:
    """Rating band -> cell colour (colour-blind safe enough with the counts and the legend in words)."""
    return fill_colour(band, palette)


LEFT_MARGIN = 118
BOTTOM_MARGIN = 64
TOP_MARGIN = 8
RIGHT_MARGIN = 8


def grid_rect(size: QSize) -> QRect:
    return QRect(
        LEFT_MARGIN,
        TOP_MARGIN,
        max(size.width() - LEFT_MARGIN - RIGHT_MARGIN, 50),
        max(size.height() - TOP_MARGIN - BOTTOM_MARGIN, 50),
    )


def cell_rect(grid: QRect, likelihood: int, impact: int) -> QRect:
    """Likelihood 5 at the top, impact 5 at the right, as risk registers are usually drawn."""
    width, height = grid.width() / 5, grid.height() / 5
    x = grid.left() + (impact - 1) * width
    y = grid.top() + (5 - likelihood) * height
    return QRect(round(x), round(y), round(width), round(height))


def cell_at(size: QSize, point: QPoint) -> tuple[int, int] | None:
    grid = grid_rect(size)
    if not grid.contains(point):
        return None
    impact = min(int((point.x() - grid.left()) / (grid.width() / 5)) + 1, 5)
    likelihood = 5 - min(int((point.y() - grid.top()) / (grid.height() / 5)), 4)
    return likelihood, impact


def paint_heat_map(
    painter: QPainter,
    size: QSize,
    counts: Counts,
    selected: tuple[int, int] | None = None,
    palette: QPalette = DOCUMENT_PALETTE,
) -> None:
    """Draw on `palette`'s window colours: the screen's palette on screen, white for the document."""
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(QRect(QPoint(0, 0), size), palette.color(QPalette.ColorRole.Window))
    text = palette.color(QPalette.ColorRole.WindowText)
    lines = blend(palette.color(QPalette.ColorRole.Window), text, 0.6)
    grid = grid_rect(size)
    base = QFont(painter.font())
    count_font = QFont(base)
    count_font.setBold(True)
    count_font.setPointSizeF(max(base.pointSizeF(), 9) * 1.4)
    small = QFont(base)
    small.setPointSizeF(max(base.pointSizeF(), 9) * 0.85)
    for likelihood in LEVELS:
        for impact in LEVELS:
            rect = cell_rect(grid, likelihood, impact)
            fill = band_colour(rating(likelihood * impact), palette)
            painter.fillRect(rect, fill)
            painter.setPen(QPen(lines, 1))
            painter.drawRect(rect)
            count = counts.get((likelihood, impact), 0)
            if count:
                painter.setFont(count_font)
                painter.setPen(readable_on(fill))
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
    if selected is not None:
        painter.setPen(QPen(fill_colour("accent", palette), 4))
        painter.drawRect(cell_rect(grid, *selected).adjusted(2, 2, -2, -2))
    painter.setPen(text)
    painter.setFont(small)
    for level in LEVELS:
        row = cell_rect(grid, level, 1)
        painter.drawText(
            QRect(0, row.top(), LEFT_MARGIN - 6, row.height()),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
            f"{level} {LIKELIHOOD_LABELS[level]}",
        )
    column_width = cell_rect(grid, 1, 1).width()
    impact_font, stacked = _impact_label_font(small, column_width - 2)
    painter.setFont(impact_font)
    for level in LEVELS:
        column = cell_rect(grid, 1, level)
        label = f"{level}\n{IMPACT_LABELS[level]}" if stacked else f"{level} {IMPACT_LABELS[level]}"
        painter.drawText(
            QRect(column.left(), grid.bottom() + 4, column.width(), 28),
            Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
            label,
        )
    painter.setFont(base)
    painter.drawText(
        QRect(grid.left(), grid.bottom() + 34, grid.width(), 24),
        Qt.AlignmentFlag.AlignHCenter,
        "Impact →",
    )
    painter.save()
    painter.translate(14, grid.center().y())
    painter.rotate(-90)
    painter.drawText(QRect(-80, -10, 160, 20), Qt.AlignmentFlag.AlignCenter, "Likelihood →")
    painter.restore()


def _impact_label_font(small: QFont, width: int) -> tuple[QFont, bool]:
    """The font for the impact labels under narrow columns, and whether to stack them.

    "1 negligible" on one line when it fits; otherwise the number above the word, in a font
    made smaller (never below 6 pt) until the longest word fits the column, so a laptop's
    narrow pane shows "negligible", not "negligibl".
    """
    metrics = QFontMetrics(small)
    if all(metrics.horizontalAdvance(f"{n} {w}") <= width for n, w in IMPACT_LABELS.items()):
        return small, False
    font = QFont(small)
    size = font.pointSizeF()
    while size > 6:
        if all(QFontMetrics(font).horizontalAdvance(w) <= width for w in IMPACT_LABELS.values()):
            break
        size -= 0.5
        font.setPointSizeF(size)
    return font, True


def render_heat_map_png(counts: Counts, width: int = 560, height: int = 440) -> bytes:
    """The heat map as PNG bytes, e.g. for the Word proposal's risk register picture."""
    if QGuiApplication.instance() is None:
        # A full QApplication (not a QGuiApplication) so that anything later in the same process
        # that needs widgets, such as the GUI after a command-line export in tests, still works.
        # The command line has no application object; fonts need one.
        from PySide6.QtWidgets import QApplication

        _keep_alive.append(QApplication([]))
    image = QImage(width, height, QImage.Format.Format_ARGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        paint_heat_map(painter, QSize(width, height), counts)
    finally:
        painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; str works
    buffer.close()
    return bytes(data.data())


_keep_alive: list[QGuiApplication] = []


class HeatMapWidget(QWidget):
    """Clicking a cell emits `cell_clicked(likelihood, impact)`; the risks tab shows those risks."""

    cell_clicked = Signal(int, int)

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("riskHeatMap")
        self.setAccessibleName("Risk heat map: likelihood against impact")
        self.setMinimumSize(QSize(220, 160))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._counts: dict[tuple[int, int], int] = {}
        self.selected: tuple[int, int] | None = None

    def set_counts(self, counts: Counts) -> None:
        self._counts = dict(counts)
        total = sum(self._counts.values())
        self.setToolTip(f"{total} live risks; click a cell to list the risks in it")
        self.update()

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        self.selected = cell
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            paint_heat_map(painter, self.size(), self._counts, self.selected, self.palette())
        finally:
            painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        cell = cell_at(self.size(), event.position().toPoint())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.cell_clicked.emit(*cell)
        super().mousePressEvent(event)
