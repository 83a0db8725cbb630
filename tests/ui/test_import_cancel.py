"""Importing a spreadsheet: reading shows progress, Cancel stops it, a hostile file gets a message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.partners import partner_rows
from crmbid_desktop.services.spreadsheets.tabular import write_xlsx
from crmbid_desktop.ui import worker
from crmbid_desktop.ui.pages import import_preview_dialog
from crmbid_desktop.ui.pages.partners_page import PartnersPage
from tests.helpers.hostile_zips import rewrite, with_doctype


@pytest.fixture
def page(qtbot: Any, workspace: Workspace) -> PartnersPage:
    widget = PartnersPage(workspace)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


def _choose(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(path), ""))


def _previews_shown(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    shown: list[object] = []

    def exec_(dialog: object) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(import_preview_dialog.ImportPreviewDialog, "exec", exec_)
    return shown


def test_cancel_stops_reading_a_big_spreadsheet(
    page: PartnersPage, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "councils.xlsx"
    rows = [[f"Council {n}", "London borough", "London"] for n in range(20_000)]
    write_xlsx(big, {"Partners": (["Council", "Type", "Region"], rows)})
    _choose(monkeypatch, big)
    shown = _previews_shown(monkeypatch)
    reports: list[tuple[int, int]] = []
    real = worker.Job.report

    def report(self: worker.Job, done: int, total: int) -> None:
        reports.append((done, total))
        if done >= 2000:
            self.cancel()
        real(self, done, total)

    monkeypatch.setattr(worker.Job, "report", report)
    before = len(partner_rows(workspace))
    page._import()
    assert reports and reports[0][0] == 1000  # the reader reported while reading rows
    assert max(done for done, _total in reports) < 20_000  # and stopped when cancelled
    assert shown == []  # no preview after Cancel
    assert len(partner_rows(workspace)) == before


def test_hostile_spreadsheet_gets_a_message_naming_it(
    page: PartnersPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = tmp_path / "good.xlsx"
    write_xlsx(good, {"Partners": (["Council"], [["Leeds City Council"]])})
    hostile = rewrite(
        good,
        tmp_path / "hostile.xlsx",
        lambda n, d: with_doctype(d, encoding="utf-16") if n == "xl/workbook.xml" else d,
    )
    _choose(monkeypatch, hostile)
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _parent, _title, text, *_a: warnings.append(text)
    )
    page._import()
    assert len(warnings) == 1
    assert "hostile.xlsx" in warnings[0] and "DOCTYPE" in warnings[0]
