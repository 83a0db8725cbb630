"""Only document types are opened from the bid; anything else (even from a merge) is saved."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QMessageBox

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import apply_merge, plan_merge, save_partner_copy
from crmbid_desktop.services.registers import partners as service
from crmbid_desktop.ui.pages.partners_page import PartnersPage


@pytest.fixture
def page(qtbot: Any, workspace: Workspace) -> PartnersPage:
    widget = PartnersPage(workspace)
    qtbot.addWidget(widget)
    widget.refresh()
    return widget


@pytest.mark.parametrize(
    ("name", "opens"),
    [
        ("letter.pdf", True),
        ("Letter of support.DOCX", True),
        ("budget.xlsx", True),
        ("logo.png", True),
        ("setup.exe", False),
        ("invoice.pdf.exe", False),
        ("run.hta", False),
        ("script.js", False),
        ("macros.docm", False),
        ("trailing.exe.", False),
        ("no suffix", False),
    ],
)
def test_document_types(name: str, opens: bool) -> None:
    assert service.opens_as_document(name) is opens


def _merged_attachment(workspace: Workspace, tmp_path: Path, name: str) -> int:
    """A partner's copy adds an attachment; merging brings it into this bid."""
    copy = tmp_path / "partner copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, AppPaths.for_user())
    try:
        source = tmp_path / name
        source.write_bytes(b"<script>alert('ran')</script>")
        council = service.partner_rows(partner)[0].id
        service.add_attachment(partner, council, source)
    finally:
        partner.close()
    apply_merge(workspace, plan_merge(workspace, copy))
    council = service.partner_rows(workspace)[0].id
    (row,) = [
        a for a in service.partner_detail(workspace, council).attachments if a.filename == name
    ]
    return row.id


def test_merged_hta_is_saved_to_a_chosen_folder_not_opened(
    page: PartnersPage, workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    attachment = _merged_attachment(workspace, tmp_path, "letter.hta")
    opened: list[str] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url.toLocalFile())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    told: list[str] = []
    monkeypatch.setattr(
        QMessageBox,
        "information",
        lambda _p, _t, text, *_a: told.append(text),
    )
    folder = tmp_path / "chosen"
    folder.mkdir()
    monkeypatch.setattr(
        QFileDialog,
        "getExistingDirectory",
        lambda *_a, **_k: str(folder),
    )
    page._open_attachment(attachment)
    assert opened == []  # never handed to the system's handler
    assert "letter.hta" in told[0] and "could run a program" in told[0]
    assert (folder / "letter.hta").read_bytes() == b"<script>alert('ran')</script>"


def test_service_refuses_to_prepare_a_program_for_opening(
    workspace: Workspace, tmp_path: Path
) -> None:
    attachment = _merged_attachment(workspace, tmp_path, "setup.exe")
    with pytest.raises(service.PartnerError, match="save a copy"):
        service.attachment_for_opening(workspace, attachment)
