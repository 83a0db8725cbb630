"""Benchmark: import 5,000 partner rows; open the Partners page with 5,000 councils and filter.

The floor is a plain QTableView over a Python list of the same rows behind a filter proxy;
the target is at most 2x the floor. Run:
PYTHONPATH=. QT_QPA_PLATFORM=offscreen /work/venv/bin/python tests/benchmarks/bench_partners.py
"""

from __future__ import annotations

import csv
import tempfile
import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication, QTableView

ROWS = 5000


class ListModel(QAbstractTableModel):
    def __init__(self, rows: list[list[str]]) -> None:
        super().__init__()
        self.rows = rows

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 11

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return self.rows[index.row()][index.column()]
        return None


def timed(label: str, action: Any) -> float:
    start = time.perf_counter()
    action()
    QApplication.processEvents()
    elapsed = time.perf_counter() - start
    print(f"{label:<52} {elapsed * 1000:8.1f} ms")
    return elapsed


def main() -> None:
    app = QApplication([])
    from crmbid_desktop.paths import AppPaths
    from crmbid_desktop.services.bid.bid_files import open_workspace
    from crmbid_desktop.services.bid.bid_template import create_bid
    from crmbid_desktop.services.spreadsheets import partner_import
    from crmbid_desktop.ui.pages.partners_page import PartnersPage

    folder = Path(tempfile.mkdtemp())
    create_bid(folder / "bench.crmbid").close()
    workspace = open_workspace(folder / "bench.crmbid", AppPaths.under(folder / "home").ensure())
    source = folder / "partners.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Council", "Type", "Region", "Role", "Share", "Contact", "Email"])
        for n in range(ROWS):
            writer.writerow(
                [f"Council {n}", "unitary", f"Region {n % 9}", "supporting", "0", "Jo", "j@x.uk"]
            )

    preview_holder: list[Any] = []
    timed(
        f"import {ROWS} rows: preview",
        lambda: preview_holder.append(partner_import.build_preview(workspace, source)),
    )
    timed(
        f"import {ROWS} rows: apply (one edit)",
        lambda: partner_import.apply_preview(workspace, preview_holder[0]),
    )

    pages: list[PartnersPage] = []

    def open_page() -> None:
        page = PartnersPage(workspace)
        page.resize(1280, 800)
        page.show()
        pages.append(page)

    page_open = timed(f"open Partners page with {ROWS + 2} councils", open_page)
    page_filter = timed(
        "filter keystroke ('7') on the page", lambda: pages[0].table.filter_box.setText("7")
    )

    rows = [
        [
            f"Council {n}",
            "unitary",
            f"Region {n % 9}",
            "supporting",
            "interested",
            "",
            "",
            "£0.00",
            "0",
            "0%",
            "",
        ]
        for n in range(ROWS + 2)
    ]
    holders: list[Any] = []

    def open_floor() -> None:
        model = ListModel(rows)
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(model)
        proxy.setFilterKeyColumn(-1)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        view = QTableView()
        view.setModel(proxy)
        view.setSortingEnabled(True)
        view.resize(1280, 800)
        view.show()
        holders.extend([model, proxy, view])

    floor_open = timed("floor: plain QTableView over a list (open)", open_floor)
    floor_filter = timed("floor: filter keystroke", lambda: holders[1].setFilterFixedString("7"))
    print(
        f"open ratio {page_open / floor_open:.2f}x, filter ratio {page_filter / floor_filter:.2f}x "
        "(target at most 2x)"
    )
    workspace.close()
    del app


if __name__ == "__main__":
    main()
