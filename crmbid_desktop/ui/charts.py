"""Small charts drawn with QPainter (no chart library): a ratio ring and a stacked status bar."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from crmbid_desktop.ui.colours import fill_colour, readable_on


class RatioRing(QWidget):
    """A ring filled to done / total with "done / total" in the middle.

    Screen readers get the same figures as text: the accessible description says them.
    """

    def __init__(self, object_name: str, accessible_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.done = 0
        self.total = 0
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_ratio(self, done: int, total: int, description: str) -> None:
        self.done, self.total = done, total
        self.setAccessibleDescription(description)
        self.setToolTip(description)
        self.update()

    def sizeHint(self) -> QSize:  # Qt names it
        # In font units so the ring grows with the font and the display scale.
        side = self.fontMetrics().height() * 5
        return QSize(side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt names it
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        thickness = max(side / 8, 4.0)
        rect = QRectF(
            (self.width() - side) / 2 + thickness / 2,
            (self.height() - side) / 2 + thickness / 2,
            side - thickness,
            side - thickness,
        )
        track = QPen(fill_colour("track", self), thickness)
        track.setCapStyle(Qt.PenCapStyle.FlatCap)
        painter.setPen(track)
        painter.drawEllipse(rect)
        if self.total:
            complete = self.done >= self.total
            role = "ok" if complete else ("warning" if self.done * 2 >= self.total else "danger")
            pen = QPen(fill_colour(role, self), thickness)
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            painter.setPen(pen)
            span = int(-360 * 16 * self.done / self.total)
            painter.drawArc(rect, 90 * 16, span)
        painter.setPen(self.palette().color(self.foregroundRole()))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, f"{self.done} / {self.total}")
        painter.end()


class StatusBar(QWidget):
    """One horizontal bar split by section status, with a colour per status."""

    def __init__(self, object_name: str, accessible_name: str) -> None:
        super().__init__()
        self.setObjectName(object_name)
        self.setAccessibleName(accessible_name)
        self.parts: list[tuple[str, int, QColor]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_parts(self, parts: Sequence[tuple[str, int, QColor]], description: str) -> None:
        self.parts = list(parts)
        self.setAccessibleDescription(description)
        self.setToolTip(description)
        self.update()

    def sizeHint(self) -> QSize:  # Qt names it
        return QSize(self.fontMetrics().averageCharWidth() * 30, self.fontMetrics().height() * 2)

    def minimumSizeHint(self) -> QSize:  # Qt names it
        return QSize(self.fontMetrics().averageCharWidth() * 10, self.fontMetrics().height() * 2)

    def paintEvent(self, event: QPaintEvent) -> None:  # Qt names it
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(count for _, count, _ in self.parts)
        rect = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill_colour("track", self))
        painter.drawRoundedRect(rect, 4, 4)
        if total:
            x = rect.left()
            for _status, count, colour in self.parts:
                if not count:
                    continue
                width = rect.width() * count / total
                part = QRectF(x, rect.top(), width, rect.height())
                painter.setBrush(colour)
                painter.drawRect(part)
                painter.setPen(readable_on(colour))
                label = str(count)
                if painter.fontMetrics().horizontalAdvance(label) + 4 < width:
                    painter.drawText(part, Qt.AlignmentFlag.AlignCenter, label)
                painter.setPen(Qt.PenStyle.NoPen)
                x += width
        painter.end()


def word_bar_colour(level: str, widget: QWidget | None = None) -> QColor:
    """The word-limit bar's fill: amber within 10% of the limit, red over it."""
    return fill_colour({"over": "danger", "near": "warning"}.get(level, "accent"), widget)
