"""Qt lists "windows11" before Windows 11 too; the program offers it only on Windows 11.

The built program's choice is checked under Wine by .ci/windows: "windowsvista" as Windows 10,
"windows11" when Wine reports Windows 11.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QOperatingSystemVersion

from crmbid_desktop.ui.style import styles_offered

QT_WINDOWS_STYLES = ["windows11", "windowsvista", "Windows", "Fusion"]


def test_windows11_is_offered_only_on_windows_11() -> None:
    offered = styles_offered(QT_WINDOWS_STYLES)
    if sys.platform == "win32" and QOperatingSystemVersion.current() >= (
        QOperatingSystemVersion.Windows11
    ):
        assert offered == QT_WINDOWS_STYLES
    else:
        assert offered == ["windowsvista", "Windows", "Fusion"]
