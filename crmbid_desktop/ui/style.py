"""Which Qt widget style the program draws with: the native Windows 11 look where Qt has it."""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QStyleFactory


def choose_style(available: Iterable[str], *, dark: bool = False) -> str:
    """The style to use from the names Qt offers: "windows11", else "windowsvista", else Fusion.

    "windows11" (Qt 6.7+ on Windows 11) follows light and dark mode. The older "windowsvista"
    draws light controls even in dark mode, so in dark mode Fusion (which draws whatever
    palette Qt reads from the system) takes its place. Linux and macOS have neither Windows
    style and get Fusion, which follows the palette everywhere. "" leaves Qt's own choice
    (only when not even Fusion is offered).
    """
    keys = {key.casefold(): key for key in available}
    if "windows11" in keys:
        return keys["windows11"]
    if "windowsvista" in keys and not dark:
        return keys["windowsvista"]
    return keys.get("fusion", "")


def styles_offered(available: list[str]) -> list[str]:
    """The styles Qt lists, less "windows11" before Windows 11.

    Qt lists "windows11" on Windows 10 too (its plugin holds both Windows styles), but draws
    its check marks and arrows with the Segoe Fluent Icons font that only Windows 11 ships, and
    itself starts with "windowsvista" there.
    """
    from PySide6.QtCore import QOperatingSystemVersion

    if QOperatingSystemVersion.current() >= QOperatingSystemVersion.Windows11:
        return available
    return [key for key in available if key.casefold() != "windows11"]


def apply_style(app: QApplication) -> str:
    """Set the chosen style on `app` (called once at start-up); returns its name."""
    dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    style = choose_style(styles_offered(QStyleFactory.keys()), dark=dark)
    if style:
        app.setStyle(style)
    return style
