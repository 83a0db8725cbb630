"""The Export page: preflight list, export off the GUI thread, open/show, a target locked by Word."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QThread, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmbid_desktop.services.word import docx_export
from crmbid_desktop.services.word.docx_package import ExportTargetLockedError
from crmbid_desktop.ui.pages.export_page import ExportPage
from crmbid_desktop.ui.worker import Job
from tests.helpers.qt import assert_controls_named

Yes = QMessageBox.StandardButton.Yes


@pytest.fixture
def page(qtbot: Any, workspace: Any) -> ExportPage:
    widget = ExportPage(workspace)
    qtbot.addWidget(widget)
    widget.resize(1090, 760)
    widget.show()
    return widget


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[QUrl]:
    urls: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        urls.append(url)
        return True

    monkeypatch.setattr("crmbid_desktop.ui.pages.export_page.QDesktopServices.openUrl", open_url)
    return urls


def _choose_target(monkeypatch: pytest.MonkeyPatch, page: ExportPage, target: Path) -> None:
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), WORD_FILTER)
    )
    page.choose_target_button.click()


WORD_FILTER = "Word documents (*.docx)"


def test_page_names_its_controls_and_lists_problems(page: ExportPage, tmp_path: Path) -> None:
    assert_controls_named(page)
    assert page.target is not None
    assert page.target.name == "Ownership of the CRM National Project proposal.docx"
    texts = [page.preflight_list.item(i).text() for i in range(page.preflight_list.count())]
    assert (
        "Not approved: Section 1 “Executive summary” is not approved (not started). "
        "— fix in Sections page"
    ) in texts
    assert (
        "Empty section: Section 1 “Executive summary” has no text yet. — fix in Sections page"
        in texts
    )
    assert any(t.startswith("Partner not signed off: Leeds City Council") for t in texts)
    assert "problems to fix" in page.preflight_summary.text()
    assert not page.open_button.isEnabled() and not page.show_folder_button.isEnabled()
    assert not page.progress_bar.isVisible()  # only while an export runs

    page.document_box.setCurrentIndex(1)
    assert page.target.name == "Ownership of the CRM National Project expression of interest.docx"
    letter = [page.preflight_list.item(i).text() for i in range(page.preflight_list.count())]
    assert letter == [
        "Letter details missing: Leeds City Council has no signatory to sign the letter. "
        "— fix in Partners page",
        "Named contact incomplete: The bid's named contact has no name, e-mail or telephone. "
        "— fix in File > Bid details…",
    ]
    page.grab().save(str(tmp_path / "export-page.png"))


def test_a_problem_opens_the_place_to_fix_it(
    main_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Double-click or Enter on a preflight item goes to the section, partner or dialog."""
    from PySide6.QtCore import Qt

    window = main_window
    index = next(i for i in range(window.navigation.count()) if window.page(i).title == "Export")
    window.go_to(index)
    export = window.page(index)
    items = [export.preflight_list.item(i) for i in range(export.preflight_list.count())]
    section_item = next(i for i in items if "Section 3 “Strategic fit”" in i.text())
    export.preflight_list.setCurrentItem(section_item)
    qtbot.keyClick(export.preflight_list, Qt.Key.Key_Return)
    sections = window.current_page()
    assert sections.objectName() == "sectionsPage"
    assert sections.outline.currentItem().text(0).endswith("Strategic fit")

    window.go_to(index)  # showing the page checks the bid again: a fresh list
    items = [export.preflight_list.item(i) for i in range(export.preflight_list.count())]
    partner_item = next(i for i in items if "London Borough of Newham" in i.text())
    export.preflight_list.scrollToItem(partner_item)
    rect = export.preflight_list.visualItemRect(partner_item)
    viewport = export.preflight_list.viewport()
    # A real double-click is a press and release, then the double-click.
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.current_page().objectName() == "partnersPage"

    opened: list[bool] = []
    monkeypatch.setattr(window, "edit_bid_details", lambda: opened.append(True))
    window.go_to(index)
    export.document_box.setCurrentIndex(1)
    contact = export.preflight_list.item(export.preflight_list.count() - 1)
    export.preflight_list.itemActivated.emit(contact)
    assert opened == [True]


def test_export_runs_in_background_then_open_and_show(
    page: ExportPage,
    qtbot: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    opened: list[QUrl],
) -> None:
    target = tmp_path / "chosen"
    _choose_target(monkeypatch, page, target)
    assert page.target == tmp_path / "chosen.docx"
    asked: list[str] = []

    def question(_parent: object, title: str, *rest: object) -> QMessageBox.StandardButton:
        asked.append(title)
        return Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    with qtbot.waitSignal(page.export_finished, timeout=30_000):
        page.export_button.click()
        assert page.job is not None and page.job.running
        assert not page.export_button.isEnabled()
    assert asked == ["Export with problems"]  # the default bid has problems: go on as draft
    out = tmp_path / "chosen.docx"
    assert out.exists() and page.exported == out
    assert page.open_button.isEnabled() and page.show_folder_button.isEnabled()
    assert page.export_button.isEnabled()
    assert page.progress_bar.value() == page.progress_bar.maximum()
    assert str(out) in page.status_label.text()
    import zipfile

    with zipfile.ZipFile(out) as z:
        assert b"DRAFT" in b"".join(z.read(n) for n in z.namelist() if "header" in n)

    page.open_button.click()
    page.show_folder_button.click()
    assert [url.toLocalFile() for url in opened] == [str(out), str(tmp_path)]


def test_export_as_draft_asks_nothing(
    page: ExportPage, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _choose_target(monkeypatch, page, tmp_path / "draft.docx")

    def fail(*_args: object) -> None:
        raise AssertionError("no question expected")

    monkeypatch.setattr(QMessageBox, "question", fail)
    with qtbot.waitSignal(page.export_finished, timeout=30_000):
        page.draft_button.click()
    assert (tmp_path / "draft.docx").exists()


def test_locked_target_offers_another_name(
    page: ExportPage, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "proposal.docx"
    target.write_bytes(b"open in Word")
    _choose_target(monkeypatch, page, target)
    real_write = docx_export.write_proposal

    def locked_once(content: Any, path: Path, **kwargs: Any) -> None:
        if Path(path) == target:
            raise ExportTargetLockedError(target)
        real_write(content, path, **kwargs)

    monkeypatch.setattr(docx_export, "write_proposal", locked_once)
    questions: list[str] = []

    def answer(_parent: object, title: str, text: str, *rest: object) -> Any:
        questions.append(f"{title}: {text}")
        return QMessageBox.StandardButton.Save if title == "File is open in Word" else Yes

    monkeypatch.setattr(QMessageBox, "question", answer)
    with qtbot.waitSignals([page.export_failed, page.export_finished], timeout=30_000):
        page.export_button.click()
    assert "Save as “proposal (2).docx” instead?" in questions[-1]
    assert (tmp_path / "proposal (2).docx").exists()
    assert target.read_bytes() == b"open in Word"
    assert page.exported == tmp_path / "proposal (2).docx"
    assert page.target == tmp_path / "proposal (2).docx"


def test_bad_template_is_refused_with_a_message(
    page: ExportPage, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "council.dotx"
    bad.write_bytes(b"not a zip")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(bad), ""))
    warnings: list[str] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text, *rest: warnings.append(text)
    )
    page.choose_template_button.click()
    assert page.template is None and "council.dotx" in warnings[0]
    assert page.template_edit.text() == "CRM Bid Desktop default template"


def test_job_reports_failure_on_the_gui_thread(qtbot: Any) -> None:
    def work(progress: Any) -> None:
        assert QThread.currentThread() is not gui_thread
        progress(1, 2)
        raise ValueError("broken")

    gui_thread = QThread.currentThread()
    seen: list[tuple[object, bool]] = []
    job = Job(work)
    job.progress.connect(lambda d, t: seen.append(((d, t), QThread.currentThread() is gui_thread)))
    job.failed.connect(lambda e: seen.append((e, QThread.currentThread() is gui_thread)))
    with qtbot.waitSignal(job.failed, timeout=10_000):
        job.start()
    assert not job.running
    assert seen[0] == ((1, 2), True)
    assert isinstance(seen[1][0], ValueError) and seen[1][1]


def test_cancel_stops_the_export_and_keeps_the_earlier_file(
    page: ExportPage, qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    from crmbid_desktop.services.word import proposal_export

    target = tmp_path / "earlier.docx"
    target.write_bytes(b"the earlier export")
    _choose_target(monkeypatch, page, target)
    monkeypatch.setattr(QMessageBox, "question", lambda *a: Yes)
    gate = threading.Event()
    original = proposal_export.PreparedExport.write

    def held_write(self: Any, progress: Any = None) -> Any:
        gate.wait(10)  # hold the worker until the test has pressed Cancel
        return original(self, progress)

    monkeypatch.setattr(proposal_export.PreparedExport, "write", held_write)
    ticks: list[int] = []
    from PySide6.QtCore import QTimer

    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(5)
    with qtbot.waitSignal(page.export_cancelled, timeout=30_000):
        page.export_button.click()
        assert page.cancel_button.isEnabled()
        page.cancel_button.click()
        gate.set()
    timer.stop()
    assert target.read_bytes() == b"the earlier export"
    assert [p.name for p in tmp_path.iterdir() if "earlier" in p.name] == ["earlier.docx"]
    assert "cancelled" in page.status_label.text()
    assert page.export_button.isEnabled() and not page.cancel_button.isEnabled()
    assert ticks  # the GUI thread kept processing events while the export ran


def test_job_cancel_raises_in_the_work_and_reports_cancelled(qtbot: Any) -> None:
    import threading

    started = threading.Event()
    reached: list[int] = []

    def work(progress: Any) -> None:
        started.set()
        for step in range(1000):
            progress(step, 1000)
            reached.append(step)
            threading.Event().wait(0.005)

    job = Job(work)
    with qtbot.waitSignal(job.cancelled, timeout=10_000):
        job.start()
        assert started.wait(5)
        job.cancel()
    assert not job.running and len(reached) < 1000
