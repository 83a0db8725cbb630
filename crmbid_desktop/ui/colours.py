"""Warning and status colours that stay readable on the system's light or dark palette."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QWidget

# (on a light window, on a dark window): reds and ambers dark enough to read on white, light
# enough to read on Windows' dark grey.
_TEXT = {
    "danger": ("#a4262c", "#ff8a80"),
    "warning": ("#8a5a00", "#ffcc66"),
    "ok": ("#2e7d32", "#81c784"),
    "muted": ("#5f6368", "#b0b4b8"),
}
# Fills for bars and rings: stronger on light, softer on dark.
_FILL = {
    "danger": ("#d13438", "#f1707b"),
    "warning": ("#e3a21a", "#f5c04a"),
    "ok": ("#3a8d3f", "#6ccb73"),
    "accent": ("#2b6cb0", "#6aa9e9"),
    "neutral": ("#8c96a3", "#8a929c"),
    "track": ("#e1e4e8", "#4a4f55"),
}
# Row backgrounds (highlighted table rows, banners): pale on light, deep on dark.
_BACKGROUND = {
    "danger": ("#f9d3d3", "#5c2326"),
    "warning": ("#fde3c0", "#5a4212"),
    "notice": ("#fff4ce", "#4d4317"),
    "critical": ("#fff4c2", "#4a4420"),
}


def palette_of(widget: QWidget | None = None) -> QPalette:
    if widget is not None:
        return widget.palette()
    return QApplication.palette()


def is_dark(widget: QWidget | None = None) -> bool:
    """True on a dark palette (Windows dark mode, a dark Fusion palette)."""
    return palette_of(widget).color(QPalette.ColorRole.Window).lightness() < 128


def _pick(table: dict[str, tuple[str, str]], role: str, widget: QWidget | None) -> QColor:
    light, dark = table[role]
    return QColor(dark if is_dark(widget) else light)


def text_colour(role: str, widget: QWidget | None = None) -> QColor:
    """Text colour for `role` ("danger", "warning", "ok", "muted")."""
    return _pick(_TEXT, role, widget)


def fill_colour(role: str, widget: QWidget | None = None) -> QColor:
    """Fill for charts: "danger", "warning", "ok", "accent", "neutral" or "track" (the empty part)."""
    return _pick(_FILL, role, widget)


def background_colour(role: str, widget: QWidget | None = None) -> QColor:
    """Row or banner background: "danger", "warning", "notice" or "critical"."""
    return _pick(_BACKGROUND, role, widget)


def text_style(role: str, widget: QWidget | None = None, *, bold: bool = False) -> str:
    """A style sheet fragment colouring a label's text for `role`."""
    weight = " font-weight: bold;" if bold else ""
    return f"color: {text_colour(role, widget).name()};{weight}"
