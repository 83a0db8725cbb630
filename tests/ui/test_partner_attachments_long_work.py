"""Partner attachments are read and written off the GUI thread; Cancel stores or writes nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.ui import worker
from crmbid_desktop.ui.pages.partners_page import PartnersPage


@pytest.fixture
def page(qtbot: Any, workspace: Workspace) -> PartnersPage:
    widget = PartnersPage(workspace)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


@pytest.fixture
def letter(tmp_path: Path) -> Path:
    path = tmp_path / "letter.pdf"
    path.write_bytes(b"%PDF-1.4 " + b"x" * 200_000)
    return path


def _threads_of(monkeypatch: pytest.MonkeyPatch, name: str) -> list[threading.Thread]:
    seen: list[threading.Thread] = []
    real = getattr(service, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(threading.current_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(service, name, spy)
    return seen


def _cancel_after_first_report(monkeypatch: pytest.MonkeyPatch) -> None:
    real = worker.Job.report

    def report(self: worker.Job, done: int, total: int) -> None:
        if done >= 1:
            self.cancel()
        real(self, done, total)

    monkeypatch.setattr(worker.Job, "report", report)


def _attachments(workspace: Workspace, page: PartnersPage) -> list[service.AttachmentRow]:
    assert page.current_id is not None
    return service.partner_detail(workspace, page.current_id).attachments


def test_attach_open_and_save_run_in_a_worker(
    page: PartnersPage,
    workspace: Workspace,
    letter: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (str(letter), ""),
    )
    attach_threads = _threads_of(monkeypatch, "add_attachment")
    page._attach()
    assert attach_threads and attach_threads[0] is not threading.main_thread()
    (row,) = _attachments(workspace, page)
    assert row.filename == "letter.pdf"

    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    open_threads = _threads_of(monkeypatch, "attachment_for_opening")
    page._open_attachment(row.id)
    assert open_threads[0] is not threading.main_thread()
    assert Path(opened[0]).read_bytes() == letter.read_bytes()

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )
    save_threads = _threads_of(monkeypatch, "save_attachment_copy")
    page._save_attachment(row.id)
    assert save_threads[0] is not threading.main_thread()
    assert target.read_bytes() == letter.read_bytes()


def test_cancelled_attach_stores_nothing_and_cancelled_save_writes_nothing(
    page: PartnersPage,
    workspace: Workspace,
    letter: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(
        QFileDialog,
        "getOpenFileName",
        lambda *a, **k: (str(letter), ""),
    )
    page._attach()
    (row,) = _attachments(workspace, page)

    _cancel_after_first_report(monkeypatch)
    page._attach()  # read, then Cancel: the second copy is not stored
    assert len(_attachments(workspace, page)) == 1

    target = tmp_path / "copy.pdf"
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )
    page._save_attachment(row.id)
    assert not target.exists()
    assert list(tmp_path.glob("copy*")) == []
