"""The crash dialog: an unexpected error is logged and shown, naming the log and native-crash files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.ui import crash


def test_the_crash_dialog_names_the_log_and_the_native_crash_file(
    app_paths: AppPaths, qapp: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[QMessageBox] = []

    def exec_(box: QMessageBox) -> int:
        shown.append(box)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    hook = crash.make_excepthook(
        show_dialog=True,
        log_file=str(app_paths.log_file),
        crash_trace=str(app_paths.crash_trace_file),
    )
    try:
        raise ValueError("the partner's share is not a number")
    except ValueError as error:
        hook(ValueError, error, error.__traceback__)
    [box] = shown
    assert box.objectName() == "crashDialog"
    assert str(app_paths.log_file) in box.text()
    assert str(app_paths.crash_trace_file) in box.text()
    assert "closes by itself" in box.text()
    assert "the partner's share is not a number" in box.detailedText()


def test_main_hands_the_armed_native_crash_file_to_the_gui(
    app_paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import faulthandler

    from crmbid_desktop import app, logs
    from crmbid_desktop.ui import application

    seen: dict[str, object] = {}

    def run_gui(paths: AppPaths, path: Path | None, **options: object) -> int:
        seen.update(options, paths=paths)
        return 0

    monkeypatch.setattr(application, "run_gui", run_gui)
    # As in a real start: nobody has turned faulthandler on before main (pytest has, here).
    was_on = faulthandler.is_enabled()
    faulthandler.disable()
    try:
        assert app.main(["--no-crash-dialog"]) == 0
    finally:
        faulthandler.disable()
        if logs._crash_trace is not None:
            logs._crash_trace.close()
            logs._crash_trace = None
        if was_on:
            faulthandler.enable()
    assert seen["crash_trace"] == app_paths.crash_trace_file
    assert seen["crash_dialog"] is False
    assert app_paths.crash_trace_file.read_text(encoding="utf-8").startswith("-- CRM Bid Desktop")
