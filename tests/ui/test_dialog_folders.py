"""Where every open and save dialog starts: beside a bid file; for a bid on a server (which has no
folder), in the user's Documents folder or the last folder they chose. Runs [file] and [server]."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QInputDialog

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.registers import partners
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.pages.export_page import ExportPage
from crmbid_desktop.ui.pages.partners_page import PartnersPage
from crmbid_desktop.ui.pages.sustainability_page import SustainabilityPage
from crmbid_desktop.ui.pages.timetable_page import TimetablePage


class Dialogs:
    """Stands in for the file dialogs: records where each started and answers `answer`."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.started: list[tuple[str, Path]] = []
        self.answer = ""

        def file_dialog(_parent: Any, title: str, start: str = "", *_rest: Any) -> tuple[str, str]:
            self.started.append((title, Path(start)))
            return self.answer, ""

        def folder_dialog(_parent: Any, title: str, start: str = "", *_rest: Any) -> str:
            self.started.append((title, Path(start)))
            return self.answer

        monkeypatch.setattr(QFileDialog, "getSaveFileName", file_dialog)
        monkeypatch.setattr(QFileDialog, "getOpenFileName", file_dialog)
        monkeypatch.setattr(QFileDialog, "getExistingDirectory", folder_dialog)
        monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("Leeds", True))

    def folders(self) -> dict[str, Path]:
        """Each dialog's title and the folder it started in (a suggested name's folder)."""
        return {title: start if start.is_dir() else start.parent for title, start in self.started}


def _page(window: MainWindow, kind: type) -> Any:
    return next(page for page in window.pages if isinstance(page, kind))


def _menu(name: str) -> Callable[[MainWindow], None]:
    return lambda window: window.findChild(QAction, name).trigger()  # type: ignore[union-attr]


def _save_a_letter(page: PartnersPage) -> None:
    """Attach a letter to the council shown (no dialog), then ask to save a copy of it."""
    source = AppPaths.for_user().data_dir / "Leeds letter.pdf"  # the test's own home
    source.write_bytes(b"%PDF-1.4 letter of support")
    assert page.current_id is not None
    row = partners.add_attachment(page.workspace, page.current_id, source)
    source.unlink()
    page._save_attachment(row.id)


#: Every open or save dialog reached from the window, by what the user presses.
ENTRY_POINTS: dict[str, Callable[[MainWindow], None]] = {
    "File > New bid": _menu("newFromTemplateAction"),
    "File > Open": _menu("openAction"),
    "File > Save a Copy": _menu("saveCopyAction"),
    "File > Take back a returned Word file": _menu("takeBackAction"),
    "File > Save a copy for a partner": _menu("partnerCopyAction"),
    "File > Merge a partner's copy": _menu("mergeCopyAction"),
    "Timetable > Export for Outlook": lambda w: _page(w, TimetablePage).export_button.click(),
    "Timetable > Save chart": lambda w: _page(w, TimetablePage).ask_save_png(),
    "Export > Choose…": lambda w: _page(w, ExportPage).choose_target_button.click(),
    "Export > Choose template": lambda w: _page(w, ExportPage).choose_template_button.click(),
    "Partners > Import": lambda w: _page(w, PartnersPage).import_button.click(),
    "Partners > Export": lambda w: _page(w, PartnersPage).export_button.click(),
    "Partners > Attach a letter": lambda w: _page(w, PartnersPage)._attach(),
    "Partners > Save an attachment's copy": lambda w: _save_a_letter(_page(w, PartnersPage)),
    "Products > Import": lambda w: _page(w, SustainabilityPage).products.import_button.click(),
    "Products > Export": lambda w: _page(w, SustainabilityPage).products.export_button.click(),
}


def _expected_start(window: MainWindow, app_paths: AppPaths) -> Path:
    if window.workspace.bid.on_server:
        return app_paths.documents_dir
    return window.workspace.path.parent


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_every_dialog_starts_beside_the_file_or_in_documents_on_a_server(
    main_window: MainWindow,
    app_paths: AppPaths,
    entry: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dialogs = Dialogs(monkeypatch)
    ENTRY_POINTS[entry](main_window)
    (started,) = dialogs.folders().values()
    assert started == _expected_start(main_window, app_paths)
    assert started.is_absolute()  # never the program's current folder


def test_a_server_bid_remembers_the_last_folder_chosen(
    main_window: MainWindow, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shared = tmp_path / "Shared drive" / "Bid 2005"
    shared.mkdir(parents=True)
    dialogs = Dialogs(monkeypatch)
    dialogs.answer = str(shared / "timetable.ics")
    _page(main_window, TimetablePage).export_button.click()
    assert (shared / "timetable.ics").is_file()  # the export went where the user chose

    dialogs.started.clear()
    dialogs.answer = ""
    _page(main_window, PartnersPage).export_button.click()
    main_window.findChild(QAction, "saveCopyAction").trigger()  # type: ignore[union-attr]
    expected = shared if main_window.workspace.bid.on_server else main_window.workspace.path.parent
    assert set(dialogs.folders().values()) == {expected}

    # A remembered folder that has gone (a drive unplugged) falls back to Documents.
    shared.rename(tmp_path / "moved")
    dialogs.started.clear()
    _page(main_window, PartnersPage).export_button.click()
    assert set(dialogs.folders().values()) == {_expected_start(main_window, app_paths)}


def test_suggested_names_use_the_database_name_on_a_server(
    main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    dialogs = Dialogs(monkeypatch)
    _page(main_window, TimetablePage).export_button.click()
    main_window.findChild(QAction, "partnerCopyAction").trigger()  # type: ignore[union-attr]
    names = [start.name for _title, start in dialogs.started]
    if main_window.workspace.bid.on_server:
        database = str(main_window.workspace.path).rsplit(" on ", 1)[0]
        assert names == [f"{database} timetable.ics", f"{database} for Leeds.crmbid"]
    else:
        assert names == ["bid timetable.ics", "bid for Leeds.crmbid"]


def test_the_export_page_writes_into_documents_for_a_server_bid(
    main_window: MainWindow, app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    page = _page(main_window, ExportPage)
    expected = _expected_start(main_window, app_paths)
    assert page.target is not None and page.target.parent == expected
    # A bare name typed in Save as lands in the same folder, not the program's current folder.
    page.target_edit.setText("Leeds bid.docx")
    assert page._target_typed()
    assert page.target == expected / "Leeds bid.docx"
