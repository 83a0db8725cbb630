"""The File menu's partner commands: ask for files, run the service, tell the user the outcome.

Reading, writing and applying run off the GUI thread with a progress window and Cancel
(`ui/progress.py`), so a big file never freezes the window; a cancel leaves the bid unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox, QWidget

from crmbid_desktop.file_paths import resolved
from crmbid_desktop.paths import BID_SUFFIX
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.ui.dialog_folders import ask_open, ask_save, bid_stem

WORD_FILTER = "Word documents (*.docx);;All files (*)"
_NOT_IN_FILE_NAMES = re.compile(r'[\\/:*?"<>|]')
BID_FILTER = f"CRM bids (*{BID_SUFFIX});;All files (*)"


def _problem(parent: QWidget, title: str, error: Exception) -> None:
    message = getattr(error, "user_message", None) or str(error)
    QMessageBox.warning(parent, title, str(message))


def send_sections(parent: QWidget, workspace: Workspace) -> Path | None:
    from crmbid_desktop.services.exchange.section_exchange import send_sections as send
    from crmbid_desktop.ui.exchange.send_dialog import SendSectionsDialog

    dialog = SendSectionsDialog(workspace, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    numbers, partner, return_by = dialog.numbers(), dialog.partner_name(), dialog.return_date()
    # A council's name may hold characters no file name can ("Brighton/Hove"): dashes instead.
    whom = f" for {_NOT_IN_FILE_NAMES.sub('-', partner)}" if partner else ""
    name = f"{bid_stem(workspace)} sections {' '.join(numbers)}{whom}.docx"
    target = ask_save(parent, workspace, "Save sections for a partner", name, WORD_FILTER)
    if not target:
        return None
    from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

    try:
        result = run_with_progress(
            parent,
            "Send sections",
            f"Writing {Path(target).name}…",
            lambda progress: send(
                workspace,
                Path(target),
                numbers,
                progress=progress,
                partner=partner,
                return_by=return_by,
            ),
        )
    except (OSError, ValueError) as error:
        _problem(parent, "Sections not sent", error)
        return None
    if result is CANCELLED:
        return None
    QMessageBox.information(parent, "Sections saved", result.summary)
    written: Path = result.target
    return written


def take_back(parent: QWidget, workspace: Workspace) -> list[str]:
    from crmbid_desktop.services.exchange.section_exchange import (
        ReturnedFileError,
        preview_returned,
    )
    from crmbid_desktop.ui.exchange.take_back_dialog import TakeBackDialog
    from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

    source = ask_open(parent, workspace, "Take back a returned Word file", WORD_FILTER)
    if not source:
        return []
    into: str | None = None

    def read(into_section: str | None) -> Any:
        return run_with_progress(
            parent,
            "Take back a returned Word file",
            f"Reading {Path(source).name}…",
            lambda progress: preview_returned(
                workspace, Path(source), into_section=into_section, progress=progress
            ),
        )

    try:
        try:
            preview = read(None)
        except ReturnedFileError as error:
            number, ok = QInputDialog.getText(
                parent,
                "Import into a section",
                f"{error}\n\nSection number to import the file into (e.g. 4.2):",
            )
            if not ok or not number.strip():
                return []
            into = number.strip()
            preview = read(into)
    except (OSError, ValueError) as error:
        _problem(parent, "File not taken back", error)
        return []
    if preview is CANCELLED:
        return []
    dialog = TakeBackDialog(workspace, preview, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    QMessageBox.information(parent, "Returned file taken back", "\n".join(dialog.applied_lines))
    return dialog.applied_lines


def save_copy_for_partner(parent: QWidget, workspace: Workspace) -> Path | None:
    from crmbid_desktop.services.exchange.bid_merge import save_partner_copy

    partner, ok = QInputDialog.getText(
        parent, "Save a copy for a partner", "Who is the copy for (name and council)?"
    )
    if not ok:
        return None
    whom = _NOT_IN_FILE_NAMES.sub("-", partner.strip() or "partner")
    name = f"{bid_stem(workspace)} for {whom}{BID_SUFFIX}"
    target = ask_save(parent, workspace, "Save a copy for a partner", name, BID_FILTER)
    if not target:
        return None
    path = Path(target)
    if path.suffix.lower() != BID_SUFFIX:
        path = path.with_name(path.name + BID_SUFFIX)
    try:
        save_partner_copy(workspace, path, partner.strip())
    except (OSError, ValueError) as error:
        _problem(parent, "Copy not saved", error)
        return None
    except Exception as error:  # BidFileError and friends carry a user message
        if not hasattr(error, "user_message"):
            raise
        _problem(parent, "Copy not saved", error)
        return None
    QMessageBox.information(
        parent,
        "Copy saved",
        f"Saved {path.name}. Send it to {partner.strip() or 'the partner'}; when it comes back, "
        "use File > Merge a partner's copy.",
    )
    return path


def merge_copy(parent: QWidget, workspace: Workspace) -> list[str]:
    from crmbid_desktop.services.bid.errors import BidFileError
    from crmbid_desktop.services.exchange.bid_merge import plan_merge
    from crmbid_desktop.ui.exchange.merge_dialog import MergeDialog
    from crmbid_desktop.ui.progress import CANCELLED, run_with_progress

    source = ask_open(parent, workspace, "Merge a partner's copy", BID_FILTER)
    if not source:
        return []
    if not workspace.bid.on_server and resolved(source) == resolved(workspace.path):
        QMessageBox.warning(parent, "Not merged", "That is the bid that is open; choose the copy.")
        return []
    try:
        plan = run_with_progress(
            parent,
            "Merge a partner's copy",
            f"Comparing {Path(source).name} with this bid…",
            lambda progress: plan_merge(workspace, Path(source), progress),
        )
    except (BidFileError, OSError, ValueError) as error:
        _problem(parent, "Copy not merged", error)
        return []
    if plan is CANCELLED:
        return []
    if plan.nothing_to_do:
        QMessageBox.information(
            parent, "Nothing to merge", "The partner's copy holds nothing new for this bid."
        )
        return []
    dialog = MergeDialog(workspace, plan, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return []
    QMessageBox.information(parent, "Copy merged", "\n".join(dialog.applied_lines[-30:]))
    return dialog.applied_lines
