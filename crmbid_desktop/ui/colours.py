"""Warning, status, diff and chart colours that stay readable on the system's light or dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

#: What a colour is picked for: a widget (its palette), a palette, or None (the application's).
PaletteSource = QWidget | QPalette | None

# Text colours, (on a light window, on a dark window): reds and ambers dark enough to read on
# white, light enough to read on Windows' dark grey (contrast >= 4.5 with Base and Window, and
# with the matching background below; tests/ui/test_colours.py measures it).
_TEXT = {
    "danger": ("#a4262c", "#ff8a80"),
    "warning": ("#7a4f00", "#ffcc66"),
    "ok": ("#1e6b22", "#81c784"),
    "muted": ("#5f6368", "#b0b4b8"),
    "critical": ("#a4262c", "#ff8a80"),
    "removed": ("#8a1c1c", "#ffb4ab"),
    "added": ("#0b5d1e", "#a5e0a9"),
}
# Fills for bars, rings and chart marks: stronger on light, softer on dark.
_FILL = {
    "danger": ("#d13438", "#f1707b"),
    "warning": ("#e3a21a", "#f5c04a"),
    "ok": ("#3a8d3f", "#6ccb73"),
    "accent": ("#2b6cb0", "#6aa9e9"),
    "neutral": ("#8c96a3", "#8a929c"),
    "track": ("#e1e4e8", "#4a4f55"),
    # The Gantt chart's marks: the critical outline and today line must stand out from bars.
    "critical": ("#b0002a", "#ff6b81"),
    "today": ("#d0021b", "#ff5c5c"),
    "milestone": ("#7a5ab8", "#b39ddb"),
    "hard milestone": ("#222222", "#e8e8e8"),
    "connector": ("#4d5866", "#9aa5b1"),
    # Risk heat map bands, low to very high; cell text picks black or white against them.
    "low": ("#cfe8c7", "#2f5a2a"),
    "medium": ("#fbe7a1", "#6b5a1a"),
    "high": ("#f6b26b", "#8a4f16"),
    "very high": ("#e06666", "#8e2c2c"),
}
# Row, cell and span backgrounds: pale on light, deep on dark; palette Text stays readable on them.
_BACKGROUND = {
    "danger": ("#f9d3d3", "#5c2326"),
    "warning": ("#fde3c0", "#5a4212"),
    "notice": ("#fff4ce", "#4d4317"),
    "critical": ("#fff4c2", "#4a4420"),
    "ok": ("#d5f0d0", "#23452a"),
    "removed": ("#fde2e1", "#4f1f1f"),
    "added": ("#dff5e1", "#1c3f22"),
    "changed": ("#fff6d6", "#38351f"),
    "heading": ("#e8e8e8", "#3a3a3a"),
    "drawn": ("#f3f3f3", "#303030"),
    "holiday": ("#f8e3c8", "#4a3a22"),
}


def palette_of(source: PaletteSource = None) -> QPalette:
    if isinstance(source, QPalette):
        return source
    if source is not None:
        return source.palette()
    return QApplication.palette()


def is_dark(source: PaletteSource = None) -> bool:
    """True on a dark palette (Windows dark mode, a dark Fusion palette)."""
    return palette_of(source).color(QPalette.ColorRole.Window).lightness() < 128


def _pick(table: dict[str, tuple[str, str]], role: str, source: PaletteSource) -> QColor:
    light, dark = table[role]
    return QColor(dark if is_dark(source) else light)


def text_colour(role: str, source: PaletteSource = None) -> QColor:
    """Text colour for `role`: danger, warning, ok, muted, critical, removed or added."""
    return _pick(_TEXT, role, source)


def fill_colour(role: str, source: PaletteSource = None) -> QColor:
    """Fill for charts: danger, warning, ok, accent, neutral, track, the Gantt marks or a risk band."""
    return _pick(_FILL, role, source)


def background_colour(role: str, source: PaletteSource = None) -> QColor:
    """Row, cell or span background: danger, warning, notice, critical, ok, removed, added, …"""
    return _pick(_BACKGROUND, role, source)


def text_style(role: str, source: PaletteSource = None, *, bold: bool = False) -> str:
    """A style sheet fragment colouring a label's text for `role`."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {text_colour(role, source).name()};{weight}"


def palette_colour(role: QPalette.ColorRole, source: PaletteSource = None) -> QColor:
    """One colour of the palette (Base, Text, Mid…) in the active group."""
    return palette_of(source).color(QPalette.ColorGroup.Active, role)


def blend(one: QColor, other: QColor, amount: float) -> QColor:
    """`one` moved `amount` (0 to 1) of the way to `other`: faint shading from two palette colours."""
    return QColor.fromRgbF(
        one.redF() + (other.redF() - one.redF()) * amount,
        one.greenF() + (other.greenF() - one.greenF()) * amount,
        one.blueF() + (other.blueF() - one.blueF()) * amount,
    )


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance, 0 (black) to 1 (white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(one: QColor, other: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white); text wants 4.5 or more."""
    lighter, darker = sorted((relative_luminance(one), relative_luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_on(fill: QColor) -> QColor:
    """Black or white, whichever reads better on `fill`."""
    black, white = QColor("#000000"), QColor("#ffffff")
    return black if contrast_ratio(black, fill) >= contrast_ratio(white, fill) else white


TEXT_ROLES = tuple(_TEXT)
FILL_ROLES = tuple(_FILL)
BACKGROUND_ROLES = tuple(_BACKGROUND)
