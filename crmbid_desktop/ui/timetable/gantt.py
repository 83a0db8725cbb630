"""Gantt chart of the plan: one item per task bar, milestones as diamonds, drag to reschedule."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QEvent, QLineF, QObject, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPolygonF,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGraphicsLineItem,
    QGraphicsPathItem,
    QGraphicsPolygonItem,
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
    QGraphicsView,
    QStyleOptionGraphicsItem,
    QWidget,
)

from crmbid_desktop.domain.dates import format_date, weekday_initials
from crmbid_desktop.domain.working_days import WorkingCalendar
from crmbid_desktop.services.registers.planning import PlanView
from crmbid_desktop.ui import colours


def status_colour(status: str, source: colours.PaletteSource = None) -> QColor:
    """A task bar's fill for its status on the current palette."""
    return colours.fill_colour(STATUS_FILLS.get(status, "neutral"), source)


@dataclass(frozen=True)
class ChartColours:
    """The chart's colours, taken from the palette when the scene is built (light or dark)."""

    canvas: QColor
    text: QColor
    grid: QColor
    weekend: QColor
    holiday: QColor
    critical: QColor
    today: QColor
    connector: QColor
    milestone: QColor
    hard_milestone: QColor
    bars: dict[str, QColor]

    @classmethod
    def of(cls, palette: QPalette) -> ChartColours:
        base = colours.palette_colour(QPalette.ColorRole.Base, palette)
        mid = colours.palette_colour(QPalette.ColorRole.Mid, palette)
        # Weekends: AlternateBase is too faint on some palettes, so step towards Mid as well.
        weekend = colours.blend(
            colours.palette_colour(QPalette.ColorRole.AlternateBase, palette), mid, 0.3
        )
        return cls(
            canvas=base,
            text=colours.palette_colour(QPalette.ColorRole.Text, palette),
            grid=colours.blend(base, mid, 0.8),
            weekend=weekend,
            holiday=colours.background_colour("holiday", palette),
            critical=colours.fill_colour("critical", palette),
            today=colours.fill_colour("today", palette),
            connector=colours.fill_colour("connector", palette),
            milestone=colours.fill_colour("milestone", palette),
            hard_milestone=colours.fill_colour("hard milestone", palette),
            bars={status: status_colour(status, palette) for status in STATUS_FILLS},
        )


#: Bar fill per task status, as a colours.fill_colour role (picked for the palette when drawn).
STATUS_FILLS = {
    "not started": "neutral",
    "in progress": "accent",
    "blocked": "warning",
    "done": "ok",
}
HEADER_HEIGHT = 40.0


def day_label(day: date, fits: Callable[[str], bool]) -> str:
    """The day's column heading: "Th 25" when the widest such label fits a day's column, else
    "Th25", else "Th", else "25"; one form for every day, so the row reads evenly."""
    name = weekday_initials(day)  # two letters: Tu and Th, Sa and Su told apart
    forms = (f"{name} {day.day}", f"{name}{day.day}", name)
    for number, widest in enumerate(("We 30", "We30", "We")):
        if fits(widest):
            return forms[number]
    return str(day.day)


ROW_HEIGHT = 22.0
BAR_HEIGHT = 14.0
LEFT_MARGIN = 8.0

#: Pixels per day, from a whole season on screen to single days.
ZOOM_LEVELS = (3.0, 6.0, 10.0, 16.0, 26.0, 40.0)
DAY_ZOOM = 26.0
WEEK_ZOOM = 6.0
#: At this width a day gets its own label in the header; below it weeks do.
DAY_LABEL_MIN = 18.0
#: PNGs larger than this many pixels are scaled down to keep memory sensible on a laptop.
MAX_PNG_PIXELS = 16_000_000


@dataclass(frozen=True)
class GanttBar:
    task_id: int
    title: str
    start: date
    due: date
    status: str
    critical: bool
    tooltip: str


@dataclass(frozen=True)
class GanttMilestone:
    milestone_id: int
    title: str
    day: date
    hard: bool


@dataclass(frozen=True)
class GanttData:
    bars: list[GanttBar]
    milestones: list[GanttMilestone]
    dependencies: list[tuple[int, int]]
    today: date

    @classmethod
    def from_plan(cls, view: PlanView) -> GanttData:
        bars = []
        for task in view.tasks:
            start = task.start_on or task.due_on
            due = task.due_on or task.start_on
            if start is None or due is None:
                continue
            lines = [task.title, f"{format_date(start)} to {format_date(due)}", task.status]
            lines += list(task.flags)
            bars.append(
                GanttBar(
                    task.id,
                    task.title,
                    min(start, due),
                    max(start, due),
                    task.status,
                    task.critical,
                    "\n".join(lines),
                )
            )
        milestones = [
            GanttMilestone(m.id, m.title, m.due_on, m.kind == "hard deadline")
            for m in view.milestones
        ]
        return cls(bars, milestones, list(view.dependencies), view.today)

    def date_range(self) -> tuple[date, date] | None:
        days = [b.start for b in self.bars] + [b.due for b in self.bars]
        days += [m.day for m in self.milestones]
        if not days:
            return None
        first = min(days) - timedelta(days=2)
        first -= timedelta(days=first.weekday())  # start the chart on a Monday
        return first, max(days) + timedelta(days=9)


class _Layout:
    """Where a day and a row are on the scene at the current zoom."""

    def __init__(self, first: date, last: date, px_per_day: float, rows: int) -> None:
        self.first = first
        self.last = last
        self.px = px_per_day
        self.rows = rows
        self.label_edge = 0.0  # right end of the widest label, so none is cut off

    def x(self, day: date) -> float:
        return LEFT_MARGIN + (day - self.first).days * self.px

    def day_at(self, x: float) -> date:
        return self.first + timedelta(days=math.floor((x - LEFT_MARGIN) / self.px))

    def y(self, row: int) -> float:
        return HEADER_HEIGHT + row * ROW_HEIGHT

    @property
    def width(self) -> float:
        return max(self.x(self.last) + 1, self.label_edge + 12)

    @property
    def height(self) -> float:
        return self.y(self.rows) + ROW_HEIGHT


class CalendarBackground(QGraphicsItem):
    """Shades weekends and bank holidays and draws the date header, only where exposed.

    One item for the whole chart rather than one per day: a year of 10,000 tasks stays cheap.
    """

    def __init__(self, layout: _Layout, calendar: WorkingCalendar, chart: ChartColours) -> None:
        super().__init__()
        self._layout = layout
        self._calendar = calendar
        self._colours = chart
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)
        self.setZValue(-10)
        self._font = QFont()
        self._font.setPointSizeF(8)

    def boundingRect(self) -> QRectF:
        return QRectF(0, 0, self._layout.width, self._layout.height)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        lay = self._layout
        exposed = option.exposedRect
        if exposed.isEmpty():
            exposed = self.boundingRect()
        first = max(lay.first, lay.day_at(exposed.left()))
        last = min(lay.last, lay.day_at(exposed.right()))
        top, bottom = HEADER_HEIGHT, lay.height
        painter.setPen(Qt.PenStyle.NoPen)
        day = first
        while day <= last:
            reason = self._calendar.non_working_reason(day)
            if reason is not None:
                weekend = reason in ("Saturday", "Sunday")
                painter.setBrush(self._colours.weekend if weekend else self._colours.holiday)
                painter.drawRect(QRectF(lay.x(day), top, lay.px, bottom - top))
            day += timedelta(days=1)
        self._paint_header(painter, first, last)

    def _paint_header(self, painter: QPainter, first: date, last: date) -> None:
        lay = self._layout
        painter.setBrush(self._colours.canvas)
        painter.drawRect(QRectF(0, 0, lay.width, HEADER_HEIGHT))
        painter.setFont(self._font)
        grid = QPen(self._colours.grid)
        grid.setCosmetic(True)
        text = self._colours.text
        day = first - timedelta(days=first.weekday())
        by_day = lay.px >= DAY_LABEL_MIN
        metrics = QFontMetricsF(self._font)

        def fits(label: str) -> bool:
            return metrics.horizontalAdvance(label) + 2 <= lay.px

        while day <= last:
            x = lay.x(day)
            if day.weekday() == 0:
                painter.setPen(grid)
                painter.drawLine(QLineF(x, 0, x, lay.height))
                painter.setPen(text)
                week = lay.px * 7
                if week >= 95:
                    label = format_date(day)
                elif week >= 60:
                    label = format_date(day).rsplit(" ", 1)[0]  # "Mon 8 Aug"
                else:
                    label = f"{day.day} {format_date(day).split()[2]}"  # "8 Aug"
                painter.drawText(QPointF(x + 3, 15), label)
                if not by_day:
                    painter.drawText(QPointF(x + 3, 33), "Mon")  # weeks begin on Mondays
            if by_day:
                painter.setPen(text)
                painter.drawText(
                    QRectF(x, 20, lay.px, 18), Qt.AlignmentFlag.AlignCenter, day_label(day, fits)
                )
            day += timedelta(days=1)
        painter.setPen(grid)
        painter.drawLine(QLineF(0, HEADER_HEIGHT, lay.width, HEADER_HEIGHT))


class TaskBar(QGraphicsItem):
    """One task: a bar coloured by status, outlined when critical, its title to the right.

    Dragging moves it sideways by whole days; on release the chart reports the move.
    """

    def __init__(
        self, bar: GanttBar, layout: _Layout, label_width: float, chart: ChartColours
    ) -> None:
        super().__init__()
        self.bar = bar
        self._colours = chart
        self._layout = layout
        self._label_width = label_width
        left = layout.x(bar.start)
        self._rect = QRectF(0, 0, layout.x(bar.due) + layout.px - left, BAR_HEIGHT)
        self.setToolTip(bar.tooltip)
        self.setCursor(Qt.CursorShape.SizeHorCursor)
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self._press_x: float | None = None
        self._home_x = left

    def boundingRect(self) -> QRectF:
        return QRectF(-2, -2, self._rect.width() + 10 + self._label_width, BAR_HEIGHT + 4)

    def shape(self) -> QPainterPath:
        path = QPainterPath()
        path.addRect(self._rect)
        return path

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        bars = self._colours.bars
        colour = bars.get(self.bar.status, bars["not started"])
        painter.setBrush(QBrush(colour))
        critical = QPen(self._colours.critical, 2.5)
        pen = critical if self.bar.critical else QPen(colour.darker(140), 1)
        painter.setPen(pen)
        painter.drawRect(self._rect)
        painter.setPen(self._colours.text)
        painter.drawText(
            QRectF(self._rect.right() + 6, -2, self._label_width, BAR_HEIGHT + 4),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            self.bar.title,
        )

    def show_bar(self, bar: GanttBar, label_width: float) -> None:
        """Show the task's new dates, status or title in place (the scene stays as it is)."""
        self.prepareGeometryChange()
        self.bar = bar
        self._label_width = label_width
        left = self._layout.x(bar.start)
        self._rect = QRectF(0, 0, self._layout.x(bar.due) + self._layout.px - left, BAR_HEIGHT)
        self._home_x = left
        self.setToolTip(bar.tooltip)
        self.update()

    @property
    def days_dragged(self) -> int:
        return round((self.x() - self._home_x) / self._layout.px)

    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        self._press_x = event.scenePos().x()
        event.accept()

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._press_x is None:
            return
        days = round((event.scenePos().x() - self._press_x) / self._layout.px)
        self.setX(self._home_x + days * self._layout.px)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._press_x is None:
            return
        self._press_x = None
        scene = self.scene()
        if isinstance(scene, GanttScene):
            scene.bar_dropped(self)


class GanttScene(QGraphicsScene):
    """The chart's items, built in one pass from the plan."""

    def __init__(self, calendar: WorkingCalendar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.calendar = calendar
        self.bars: dict[int, TaskBar] = {}
        self.today_line: QGraphicsLineItem | None = None
        self.diamonds: list[QGraphicsPolygonItem] = []
        self.arrows: QGraphicsPathItem | None = None
        self.on_drop: object = None  # set by the view: Callable[[int, int], None]
        self.colours = ChartColours.of(self.palette())
        self.layout: _Layout | None = None
        self.span: tuple[date, date] | None = None
        #: How many times the whole chart was built (a drag should move bars, not rebuild).
        self.builds = 0

    def build(self, data: GanttData, px_per_day: float) -> None:
        # Colours are read afresh on every build so a switch to dark mode shows on the next one.
        self.colours = chart = ChartColours.of(self.palette())
        self.setBackgroundBrush(chart.canvas)
        self.clear()
        self.bars = {}
        self.diamonds = []
        self.today_line = None
        self.arrows = None
        span = data.date_range()
        if span is None:
            self.setSceneRect(QRectF(0, 0, 400, HEADER_HEIGHT + ROW_HEIGHT))
            note = self.addSimpleText("No dated milestones or tasks yet.")
            note.setBrush(chart.text)
            note.setPos(LEFT_MARGIN, HEADER_HEIGHT)
            return
        first, last = span
        self.calendar.preload(first.year, last.year)
        rows = len(data.milestones) + len(data.bars)
        lay = _Layout(first, last, px_per_day, rows)
        self.layout, self.span = lay, span
        self.builds += 1
        metrics = QFontMetricsF(QFont())
        label_widths = [min(metrics.horizontalAdvance(bar.title) + 4, 900.0) for bar in data.bars]
        edges = [
            lay.x(b.due) + lay.px + 6 + w for b, w in zip(data.bars, label_widths, strict=True)
        ]
        edges += [
            lay.x(m.day) + lay.px + 16 + metrics.horizontalAdvance(self._milestone_label(m))
            for m in data.milestones
        ]
        lay.label_edge = max(edges)
        self.setSceneRect(QRectF(0, 0, lay.width, lay.height))
        self.addItem(CalendarBackground(lay, self.calendar, chart))

        for row, milestone in enumerate(data.milestones):
            self._add_milestone(lay, row, milestone, metrics)

        first_bar_row = len(data.milestones)
        for offset, (bar, label_width) in enumerate(zip(data.bars, label_widths, strict=True)):
            item = TaskBar(bar, lay, label_width, chart)
            item.setPos(lay.x(bar.start), lay.y(first_bar_row + offset) + 4)
            self.addItem(item)
            self.bars[bar.task_id] = item

        self._add_arrows(lay, data.dependencies)
        if first <= data.today <= last:
            x = lay.x(data.today) + lay.px / 2
            pen = QPen(chart.today, 1.5, Qt.PenStyle.DashLine)
            self.today_line = self.addLine(QLineF(x, HEADER_HEIGHT, x, lay.height), pen)
            self.today_line.setZValue(5)
            self.today_line.setToolTip(f"Today: {format_date(data.today)}")

    def _add_milestone(
        self, lay: _Layout, row: int, milestone: GanttMilestone, metrics: QFontMetricsF
    ) -> None:
        cx = lay.x(milestone.day) + lay.px / 2
        cy = lay.y(row) + ROW_HEIGHT / 2
        r = 7.0
        diamond = QPolygonF(
            [QPointF(cx, cy - r), QPointF(cx + r, cy), QPointF(cx, cy + r), QPointF(cx - r, cy)]
        )
        colour = self.colours.hard_milestone if milestone.hard else self.colours.milestone
        item = self.addPolygon(diamond, QPen(colour), QBrush(colour))
        item.setZValue(3)
        item.setToolTip(f"{milestone.title}\n{format_date(milestone.day)}")
        self.diamonds.append(item)
        label = QGraphicsSimpleTextItem(self._milestone_label(milestone))
        label.setBrush(self.colours.text)
        label.setPos(cx + r + 4, cy - metrics.height() / 2)
        self.addItem(label)
        # A faint line down the chart shows which bars run past the milestone.
        faint = colours.blend(colour, self.colours.canvas, 0.5)
        line = self.addLine(QLineF(cx, cy + r, cx, lay.height), QPen(faint, 1, Qt.PenStyle.DotLine))
        line.setZValue(-5)

    @staticmethod
    def _milestone_label(milestone: GanttMilestone) -> str:
        return f"{milestone.title} ({format_date(milestone.day)})"

    def _add_arrows(self, lay: _Layout, dependencies: list[tuple[int, int]]) -> None:
        """Every dependency arrow in one path item: thousands of edges stay one item."""
        path = QPainterPath()
        for pred_id, succ_id in dependencies:
            pred, succ = self.bars.get(pred_id), self.bars.get(succ_id)
            if pred is None or succ is None:
                continue
            start = QPointF(pred.x() + pred._rect.width(), pred.y() + BAR_HEIGHT / 2)
            end = QPointF(succ.x(), succ.y() + BAR_HEIGHT / 2)
            elbow = start.x() + 5
            path.moveTo(start)
            path.lineTo(elbow, start.y())
            if end.x() - 5 >= elbow:
                path.lineTo(elbow, end.y())
            else:  # successor starts before the predecessor ends: go round
                middle = succ.y() - 3 if succ.y() > pred.y() else succ.y() + BAR_HEIGHT + 3
                path.lineTo(elbow, middle)
                path.lineTo(end.x() - 5, middle)
                path.lineTo(end.x() - 5, end.y())
            path.lineTo(end)
            path.moveTo(end.x() - 4, end.y() - 3)
            path.lineTo(end)
            path.lineTo(end.x() - 4, end.y() + 3)
        pen = QPen(self.colours.connector, 1)
        pen.setCosmetic(True)
        self.arrows = self.addPath(path, pen)
        self.arrows.setZValue(-1)

    def move_bars(self, old: GanttData, new: GanttData) -> bool:
        """Show `new` by moving and repainting only the bars that changed; False if it cannot.

        Possible when the rows are the same tasks and milestones in the same order and every
        date still falls inside the chart's span; then only changed bars and the one arrows
        item are redrawn, instead of the whole scene with its calendar and labels.
        """
        lay, span = self.layout, self.span
        if lay is None or span is None or new.milestones != old.milestones:
            return False
        if [b.task_id for b in new.bars] != [b.task_id for b in old.bars]:
            return False
        if new.date_range() != span or new.today != old.today:
            return False
        metrics = QFontMetricsF(QFont())
        first_bar_row = len(new.milestones)
        moved = False
        for offset, (before, after) in enumerate(zip(old.bars, new.bars, strict=True)):
            if before == after:
                continue
            item = self.bars.get(after.task_id)
            if item is None:
                return False
            label_width = min(metrics.horizontalAdvance(after.title) + 4, 900.0)
            item.show_bar(after, label_width)
            item.setPos(lay.x(after.start), lay.y(first_bar_row + offset) + 4)
            moved = True
        if moved or new.dependencies != old.dependencies:
            if self.arrows is not None:
                self.removeItem(self.arrows)
            self._add_arrows(lay, new.dependencies)
        return True

    def bar_dropped(self, item: TaskBar) -> None:
        """Turn the days a bar was dragged into working days and report them (or snap back)."""
        days = item.days_dragged
        bar = item.bar
        start = self.calendar.working_day_on_or_after(bar.start)
        target = self.calendar.working_day_on_or_after(bar.start + timedelta(days=days))
        working_days = self.calendar.working_days_between(start, target)
        if working_days == 0 or not callable(self.on_drop):
            item.setX(item._home_x)
            return
        callback = self.on_drop
        # Reported after this event returns: the handler rebuilds the scene, deleting this item.
        QTimer.singleShot(0, lambda: callback(bar.task_id, working_days))


class GanttView(QGraphicsView):
    """The chart widget: zoom with the buttons or Ctrl+wheel, drag bars to reschedule."""

    task_moved = Signal(int, int)  # task id, working days (negative: earlier)
    zoom_changed = Signal(float)

    def __init__(self, calendar: WorkingCalendar) -> None:
        super().__init__()
        self.gantt_scene = GanttScene(calendar, self)
        self.setScene(self.gantt_scene)
        self.gantt_scene.on_drop = self.task_moved.emit
        self.px_per_day = DAY_ZOOM
        self._data: GanttData | None = None
        self.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setBackgroundBrush(self.gantt_scene.colours.canvas)

    def changeEvent(self, event: QEvent) -> None:
        """Redraw in the new colours when Windows switches between light and dark mode."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.gantt_scene.setPalette(self.palette())
            if self._data is not None:
                self.gantt_scene.build(self._data, self.px_per_day)
            self.setBackgroundBrush(self.gantt_scene.colours.canvas)

    def show_plan(self, data: GanttData) -> None:
        self._data = data
        self.gantt_scene.build(data, self.px_per_day)

    def update_plan(self, data: GanttData) -> None:
        """Show a changed plan, moving only what moved when the chart's frame still fits."""
        old, self._data = self._data, data
        if old is None or not self.gantt_scene.move_bars(old, data):
            self.gantt_scene.build(data, self.px_per_day)

    def set_zoom(self, px_per_day: float) -> None:
        if px_per_day == self.px_per_day:
            return
        # Keep the day at the left edge in view across the rebuild.
        left_days = (self.mapToScene(0, 0).x() - LEFT_MARGIN) / self.px_per_day
        self.px_per_day = px_per_day
        if self._data is not None:
            self.gantt_scene.build(self._data, px_per_day)
            self.horizontalScrollBar().setValue(int(LEFT_MARGIN + left_days * px_per_day))
        self.zoom_changed.emit(px_per_day)

    def zoom_in(self) -> None:
        bigger = [z for z in ZOOM_LEVELS if z > self.px_per_day]
        if bigger:
            self.set_zoom(bigger[0])

    def zoom_out(self) -> None:
        smaller = [z for z in ZOOM_LEVELS if z < self.px_per_day]
        if smaller:
            self.set_zoom(smaller[-1])

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if event.angleDelta().y() > 0:
                self.zoom_in()
            elif event.angleDelta().y() < 0:
                self.zoom_out()
            event.accept()
            return
        super().wheelEvent(event)

    def render_image(self) -> QImage:
        """The whole chart as an image, scaled down if it would be enormous."""
        rect = self.gantt_scene.sceneRect()
        scale = min(1.0, math.sqrt(MAX_PNG_PIXELS / max(rect.width() * rect.height(), 1.0)))
        size = (max(int(rect.width() * scale), 1), max(int(rect.height() * scale), 1))
        image = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(self.gantt_scene.colours.canvas)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        self.gantt_scene.render(painter, QRectF(0, 0, size[0], size[1]), rect)
        painter.end()
        return image

    def save_png(self, target: Path) -> QImage:
        """Save the chart for slides and emails; raises OSError when the file cannot be written."""
        image = self.render_image()
        if not image.save(str(target)):
            raise OSError(f"Could not write the chart to {target}: check the folder and its space.")
        return image
