"""Row versions kept by the database: one record per UPDATE in a change set, whichever order
SQLite's triggers wrote the bump in, and undo moves the version on."""

from __future__ import annotations

from crmbid_desktop.store.backend import RowChange
from crmbid_desktop.store.row_versions import fold_version_bumps, without_versions


def test_a_bump_is_folded_into_its_update_before_or_after_it() -> None:
    outer = RowChange("partner", "update", 7, "u", {"name": "Leeds"})
    bump = RowChange("partner", "update", 7, "u", {"row_version": 3})
    expected = [RowChange("partner", "update", 7, "u", {"name": "Leeds", "row_version": 3})]
    assert fold_version_bumps([outer, bump]) == expected
    assert fold_version_bumps([bump, outer]) == expected


def test_two_statements_on_one_row_stay_two_records() -> None:
    rows = [
        RowChange("task", "update", 1, "t", {"row_version": 1}),
        RowChange("task", "update", 1, "t", {"title": "A"}),
        RowChange("task", "update", 1, "t", {"row_version": 2}),
        RowChange("task", "update", 1, "t", {"status": "x"}),
    ]
    assert fold_version_bumps(rows) == [
        RowChange("task", "update", 1, "t", {"title": "A", "row_version": 1}),
        RowChange("task", "update", 1, "t", {"status": "x", "row_version": 2}),
    ]


def test_many_bumps_fold_in_linear_time() -> None:
    rows = []
    for n in range(60_000):
        rows.append(RowChange("section", "update", n, "", {"row_version": 1}))
        rows.append(RowChange("section", "update", n, "", {"parent_id": None}))
    assert len(fold_version_bumps(rows)) == 60_000


def test_undo_puts_values_back_but_not_the_version() -> None:
    rows = (
        RowChange("partner", "update", 7, "u", {"name": "Leeds", "row_version": 3}),
        RowChange("partner", "update", 8, "v", {"row_version": 5}),
        RowChange("partner", "delete", 9, "w", {"name": "York", "row_version": 2}),
    )
    assert without_versions(rows) == (
        RowChange("partner", "update", 7, "u", {"name": "Leeds"}),
        RowChange("partner", "delete", 9, "w", {"name": "York", "row_version": 2}),
    )
