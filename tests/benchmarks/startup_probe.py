"""Start-up floor for bench_startup.py: a bare window that prints the time of its first paint, then exits.

Used by bench_startup.py; not a test. The probe installs a Qt event filter before the program
builds its window, so what is timed is the program's own start-up path.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


def install_first_paint_probe() -> None:
    from PySide6.QtCore import QEvent, QObject
    from PySide6.QtWidgets import QApplication, QMainWindow, QWidget

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            painted = event.type() == QEvent.Type.Paint and isinstance(watched, QWidget)
            if (
                painted
                and isinstance(watched, QWidget)
                and isinstance(watched.window(), QMainWindow)
            ):
                print(f"painted {time.time():.6f}", flush=True)
                os._exit(0)
            return False

    app = QApplication.instance() or QApplication(sys.argv[:1])
    probe = FirstPaint(app)
    app.installEventFilter(probe)
    app._first_paint_probe = probe  # type: ignore[attr-defined]  # keep it alive


def main() -> None:
    which = sys.argv[1]
    if which == "floor":
        # The floor: a bare window with one label that pays for Qt, SQLAlchemy's ORM and a
        # query on a SQLite file (the floor the issue names).
        import sqlalchemy.orm  # noqa: F401
        from sqlalchemy import create_engine, text

        install_first_paint_probe()
        from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

        engine = create_engine(f"sqlite:///{sys.argv[2]}")
        with engine.connect() as connection:
            tables = connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()
        window = QMainWindow()
        window.setCentralWidget(QLabel(f"{tables} tables"))
        window.resize(1200, 780)
        window.show()
        QApplication.instance().exec()  # type: ignore[union-attr]


if __name__ == "__main__":
    main()
