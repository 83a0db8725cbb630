"""Take back and merge run off the GUI thread, Cancel leaves the bid unchanged, Undo takes each back."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import docx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox
from sqlalchemy import select

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange import section_exchange
from crmbid_desktop.services.exchange.bid_merge import apply_merge, plan_merge, save_partner_copy
from crmbid_desktop.services.exchange.section_exchange import (
    apply_returned,
    preview_returned,
    send_sections,
)
from crmbid_desktop.store.models import Section
from crmbid_desktop.ui import worker
from crmbid_desktop.ui.exchange import take_back_dialog
from crmbid_desktop.ui.exchange.merge_dialog import MergeDialog
from crmbid_desktop.ui.exchange.take_back_dialog import TakeBackDialog
from crmbid_desktop.ui.undo import history_for
from tests.helpers.qt import child
from tests.services.test_section_exchange import BODY, _section, _set_body


def _bodies(workspace: Workspace) -> dict[str, str]:
    with workspace.reading() as session:
        return {s.uuid: s.body for s in session.scalars(select(Section))}


def _returned_file(workspace: Workspace, tmp_path: Path) -> Path:
    """Sections 2 and 3 sent, and both edited by the partner."""
    _set_body(workspace, "2", BODY)
    _set_body(workspace, "3", BODY)
    sent = tmp_path / "sections.docx"
    send_sections(workspace, sent, ["2", "3"])
    document = docx.Document(str(sent))
    for paragraph in document.paragraphs:
        if paragraph.text.startswith("The partnership"):
            paragraph.text = "York rewrote this paragraph."
    document.save(str(sent))
    return sent


def _cancel_after_first_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """The user presses Cancel once the work is under way (after its first progress report)."""
    real = worker.Job.report

    def report(self: worker.Job, done: int, total: int) -> None:
        if done >= 1:
            self.cancel()
        real(self, done, total)

    monkeypatch.setattr(worker.Job, "report", report)


def test_take_back_worker_job_emits_finished_off_the_gui_thread(
    qtbot: Any, workspace: Workspace, tmp_path: Path
) -> None:
    sent = _returned_file(workspace, tmp_path)
    threads: list[threading.Thread] = []

    def work(progress: worker.ProgressCallback) -> object:
        threads.append(threading.current_thread())
        preview = preview_returned(workspace, sent, progress=progress)
        return apply_returned(
            workspace, preview, [c.section_uuid for c in preview.changes], progress=progress
        )

    job = worker.Job(work)
    with qtbot.waitSignal(job.finished, timeout=20_000) as blocker:
        job.start()
    assert threads and threads[0] is not threading.main_thread()
    assert any("text replaced" in line for line in blocker.args[0])
    assert _section(workspace, "2").body.startswith("York rewrote")


def test_take_back_dialog_applies_in_a_worker_and_undo_takes_it_all_back(
    qtbot: Any, main_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = main_window.workspace
    sent = _returned_file(workspace, tmp_path)
    before = _bodies(workspace)
    history = history_for(workspace)
    steps = history.count()

    threads: list[threading.Thread] = []
    real_apply = section_exchange.apply_returned

    def spying_apply(*args: Any, **kwargs: Any) -> list[str]:
        threads.append(threading.current_thread())
        return real_apply(*args, **kwargs)

    monkeypatch.setattr(take_back_dialog, "apply_returned", spying_apply)
    dialog = TakeBackDialog(workspace, preview_returned(workspace, sent), main_window)
    qtbot.addWidget(dialog)
    assert len(dialog.accepted_uuids()) == 2
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert threads and threads[0] is not threading.main_thread()
    assert _section(workspace, "2").body.startswith("York rewrote")
    assert _section(workspace, "3").body.startswith("York rewrote")

    # The whole take-back (two sections) is ONE step of Edit > Undo.
    qtbot.waitUntil(lambda: history.count() == steps + 1)
    assert history.undoText().startswith("Took back section(s) 2, 3")
    child(main_window, QAction, "undoAction").trigger()
    assert _bodies(workspace) == before


def test_cancelling_a_take_back_leaves_the_bid_unchanged(
    qtbot: Any, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _returned_file(workspace, tmp_path)
    before = _bodies(workspace)
    dialog = TakeBackDialog(workspace, preview_returned(workspace, sent))
    qtbot.addWidget(dialog)
    _cancel_after_first_report(monkeypatch)  # one section written, then Cancel
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.applied_lines == []
    assert _bodies(workspace) == before


def test_cancelling_while_reading_the_returned_file_opens_nothing(
    qtbot: Any, main_window: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent = _returned_file(main_window.workspace, tmp_path)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(sent), ""))
    opened: list[object] = []

    def exec_(dialog: TakeBackDialog) -> int:
        opened.append(dialog)
        return 0

    monkeypatch.setattr(TakeBackDialog, "exec", exec_)
    _cancel_after_first_report(monkeypatch)
    child(main_window, QAction, "takeBackAction").trigger()
    assert opened == []


@pytest.fixture
def merge_pair(workspace: Workspace, tmp_path: Path, app_paths: AppPaths) -> tuple:
    """A partner's copy that changed two sections' titles and one body."""
    with workspace.reading() as session:
        uuids = [s.uuid for s in session.scalars(select(Section).order_by(Section.id))][:3]
    copy = tmp_path / "copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, app_paths)
    with partner.edit("partner edits") as session:
        for index, uuid in enumerate(uuids):
            section = session.scalars(select(Section).where(Section.uuid == uuid)).one()
            section.title = f"York title {index}"
        session.add(Section(title="York's annex", position=60))
    partner.close()
    return uuids, copy


def _titles(workspace: Workspace) -> set[str]:
    with workspace.reading() as session:
        return set(session.scalars(select(Section.title)))


def test_merge_worker_job_emits_finished(
    qtbot: Any, workspace: Workspace, merge_pair: tuple
) -> None:
    _uuids, copy = merge_pair
    threads: list[threading.Thread] = []

    def work(progress: worker.ProgressCallback) -> object:
        threads.append(threading.current_thread())
        return apply_merge(workspace, plan_merge(workspace, copy, progress), progress=progress)

    job = worker.Job(work)
    with qtbot.waitSignal(job.finished, timeout=20_000):
        job.start()
    assert threads[0] is not threading.main_thread()
    assert {"York title 0", "York's annex"} <= _titles(workspace)


def test_merge_from_file_menu_runs_in_a_worker_and_undo_takes_it_all_back(
    qtbot: Any, main_window: Any, merge_pair: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = main_window.workspace
    _uuids, copy = merge_pair
    before = _titles(workspace)
    history = history_for(workspace)
    steps = history.count()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(copy), ""))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: None)
    threads: list[threading.Thread] = []
    real_start = worker.Job.start

    def start(self: worker.Job, pool: Any = None) -> None:
        work = self.work

        def spying(progress: worker.ProgressCallback) -> object:
            threads.append(threading.current_thread())
            return work(progress)

        self.work = spying
        real_start(self, pool)

    monkeypatch.setattr(worker.Job, "start", start)

    def press_merge(dialog: MergeDialog) -> int:
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(MergeDialog, "exec", press_merge)
    child(main_window, QAction, "mergeCopyAction").trigger()
    assert len(threads) == 2 and all(t is not threading.main_thread() for t in threads)
    assert {"York title 0", "York title 2", "York's annex"} <= _titles(workspace)

    qtbot.waitUntil(lambda: history.count() == steps + 1)
    assert "Merged" in history.undoText()
    child(main_window, QAction, "undoAction").trigger()
    assert _titles(workspace) == before


def test_cancelling_a_merge_leaves_the_bid_unchanged(
    qtbot: Any, workspace: Workspace, merge_pair: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    _uuids, copy = merge_pair
    before_titles = _titles(workspace)
    plan = plan_merge(workspace, copy)
    dialog = MergeDialog(workspace, plan)
    qtbot.addWidget(dialog)
    _cancel_after_first_report(monkeypatch)  # rows written, then Cancel
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert _titles(workspace) == before_titles
    # Nothing recorded either: the same merge is still all there to do.
    assert plan_merge(workspace, copy).inserts == plan.inserts
