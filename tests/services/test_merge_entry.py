"""Merging: the open bid into itself is refused; the stored common state is compact."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from crmbid_desktop.app import main
from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.bid_merge import (
    MergeError,
    apply_merge,
    dump_snapshot,
    load_snapshot,
    plan_merge,
    save_partner_copy,
)
from crmbid_desktop.store.models import ChangeLogEntry, ExchangeBase, Product, new_uuid


def _counts(workspace: Workspace) -> tuple[int, int]:
    with workspace.reading() as session:
        log = session.scalar(select(func.count()).select_from(ChangeLogEntry)) or 0
        bases = session.scalar(select(func.count()).select_from(ExchangeBase)) or 0
    return log, bases


@pytest.mark.file_only  # the open bid's own file, given as the partner's copy
def test_merging_the_open_bid_into_itself_is_refused(workspace: Workspace) -> None:
    before = _counts(workspace)
    with pytest.raises(MergeError, match="is the bid that is open"):
        plan_merge(workspace, workspace.path)
    assert _counts(workspace) == before  # no change-log line, no snapshot


@pytest.mark.file_only  # a link to the open bid's own file
def test_merging_through_a_link_to_itself_is_refused(workspace: Workspace, tmp_path: Path) -> None:
    link = tmp_path / "link.crmbid"
    os.symlink(workspace.path, link)
    with pytest.raises(MergeError, match="is the bid that is open"):
        plan_merge(workspace, link)


def test_cli_merge_into_itself_prints_a_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bid = tmp_path / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    capsys.readouterr()
    assert main(["merge", str(bid), str(bid)]) == 1
    assert "is the bid that is open" in capsys.readouterr().err


def test_snapshot_is_stored_compressed_and_old_json_still_reads(
    workspace: Workspace, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.crmbid"
    save_partner_copy(workspace, copy, "Ann at York")
    partner = open_workspace(copy, AppPaths.for_user())
    with partner.edit("partner adds products") as session:
        session.execute(
            insert(Product),
            [{"uuid": new_uuid(), "name": f"Product {n}"} for n in range(5_000)],
        )
    partner.close()
    apply_merge(workspace, plan_merge(workspace, copy))
    with workspace.reading() as session:
        stored = session.scalars(select(ExchangeBase.snapshot)).all()
    for text in stored:
        state = load_snapshot(text)
        plain = json.dumps(state)
        assert len(text) * 4 < len(plain), "the stored snapshot is compressed"
        assert load_snapshot(plain) == state  # a bid from an older version still merges
    assert load_snapshot(dump_snapshot({"section": {"u": {"title": "é"}}})) == {
        "section": {"u": {"title": "é"}}
    }
    with pytest.raises(MergeError, match="damaged"):
        load_snapshot("zlib+b64:not base64!")
