"""PyInstaller run-time hook for the built program: where Qt finds its plugins, nothing more.

It replaces PyInstaller's own PySide6 hook (build.spec takes that one out), which also imports
PySide6.QtCore before the program starts, to check for an embedded qt.conf that the PySide6 wheel
makes itself anyway. Qt loaded that early puts PySide6's import hook in front of every module the
program then imports and costs the built program tens of milliseconds at every start
(crmbid_desktop/app.py imports its Qt-free modules before Qt for the same reason).
"""

import os
import sys


def _qt_paths() -> None:
    base = getattr(sys, "_MEIPASS", None)
    if base is None:
        return
    qt = (
        os.path.join(base, "PySide6")
        if sys.platform == "win32"
        else os.path.join(base, "PySide6", "Qt")
    )
    os.environ["QT_PLUGIN_PATH"] = os.path.join(qt, "plugins")
    os.environ["QML2_IMPORT_PATH"] = os.path.join(qt, "qml")
    if sys.platform == "win32":
        # As PyInstaller's hook does: DLLs collected next to the program are found first.
        os.environ["PATH"] = base + os.pathsep + os.environ.get("PATH", "")


_qt_paths()
