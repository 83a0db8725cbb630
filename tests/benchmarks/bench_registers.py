"""Benchmark: budget table, budget.xlsx export and heat-map PNG on a bid with 41 products, 60 risks."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.formats import ExportOptions
from crmbid_desktop.services.registers import budget, risks
from crmbid_desktop.services.spreadsheets.budget_xlsx import export_budget_xlsx
from crmbid_desktop.store.models import Product, Risk
from crmbid_desktop.ui.sustainability.heat_map import render_heat_map_png


def timed(label: str, action: object, repeat: int = 5) -> None:
    start = time.perf_counter()
    for _ in range(repeat):
        action()  # type: ignore[operator]
    print(f"{label}: {(time.perf_counter() - start) / repeat * 1000:.1f} ms")


def main() -> None:
    app = QGuiApplication([])
    folder = Path(tempfile.mkdtemp())
    create_bid(folder / "bench.crmbid").close()
    workspace = open_workspace(folder / "bench.crmbid", AppPaths.under(folder / "home").ensure())
    with workspace.edit("bench data") as session:
        for n in range(33):
            session.add(Product(name=f"Product {n}", yearly_cost_pence=1_000_00 + n))
        for n in range(60):
            session.add(Risk(description=f"Risk {n}", likelihood=n % 5 + 1, impact=n // 12 + 1))
    for year in range(2005, 2010):
        budget.set_amount(workspace, "cost", "staff", year, 90_000_00)

    def table() -> None:
        with workspace.reading() as session:
            budget.budget_table(session)

    def heat() -> None:
        render_heat_map_png(risks.heat_map(risks.risk_rows(workspace)))

    timed("budget table (41 products)", table)
    timed(
        "budget.xlsx export",
        lambda: export_budget_xlsx(workspace, folder / "b.xlsx", ExportOptions()),
    )
    timed("heat-map PNG (60 risks)", heat)
    workspace.close()
    del app


if __name__ == "__main__":
    main()
