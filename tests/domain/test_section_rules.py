"""Workflow, version throttling, coverage, weights, word meter and version comparison rules."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from crmbid_desktop.domain import textdiff
from crmbid_desktop.domain.coverage import coverage, has_text, parse_weight, weight_message
from crmbid_desktop.domain.section_versions import (
    AUTOSAVE_NOTE,
    LatestVersion,
    VersionAction,
    version_action,
)
from crmbid_desktop.domain.section_workflow import (
    APPROVED,
    DRAFTING,
    READY_FOR_REVIEW,
    WorkflowError,
    check_status_change,
    status_after_clarification,
)
from crmbid_desktop.domain.word_meter import NEAR, OK, OVER, meter_level, meter_text

T0 = datetime(2005, 8, 22, 9, 0, 0)


FITS: dict[str, Any] = {"reviewer": "Anne Reader", "words": 250, "word_limit": 300}


def test_approval_is_refused_while_comments_are_unresolved() -> None:
    with pytest.raises(WorkflowError, match=r"Section 4 cannot be approved: it has 2 unresolved"):
        check_status_change("4", APPROVED, 2, **FITS)
    check_status_change("4", APPROVED, 0, **FITS)
    check_status_change("4", DRAFTING, 5, **FITS)  # only approval waits for comments


def test_approval_needs_a_named_reviewer_and_text_within_the_limit() -> None:
    with pytest.raises(WorkflowError, match="Section 4 cannot be approved: it names no reviewer"):
        check_status_change("4", APPROVED, 0, reviewer=" ", words=250, word_limit=300)
    with pytest.raises(WorkflowError, match="Section 4 cannot be approved: it has no text yet"):
        check_status_change("4", APPROVED, 0, reviewer="Anne", words=0, word_limit=300)
    with pytest.raises(WorkflowError, match="it has 301 words, 1 over its limit of 300"):
        check_status_change("4", APPROVED, 0, reviewer="Anne", words=301, word_limit=300)
    check_status_change("4", APPROVED, 0, reviewer="Anne", words=300, word_limit=300)
    check_status_change("A", APPROVED, 0, reviewer="Anne", words=9000, word_limit=None)
    # Only approval asks for these: a draft may be empty and have no reviewer yet.
    check_status_change("4", DRAFTING, 0, reviewer="", words=0, word_limit=300)


def test_an_unknown_status_is_named() -> None:
    with pytest.raises(WorkflowError, match="'done' is not a status"):
        check_status_change("2.1", "done", 0, **FITS)


def test_clarification_sends_only_approved_sections_back() -> None:
    assert status_after_clarification(APPROVED) == READY_FOR_REVIEW
    assert status_after_clarification(DRAFTING) is None


def test_versions_fold_within_a_minute_and_skip_duplicates() -> None:
    assert version_action(None, "a", T0) is VersionAction.NEW
    latest = LatestVersion("a", T0, AUTOSAVE_NOTE)
    assert version_action(latest, "a", T0 + timedelta(minutes=5)) is VersionAction.SKIP
    assert version_action(latest, "ab", T0 + timedelta(seconds=59)) is VersionAction.UPDATE_LATEST
    assert version_action(latest, "ab", T0 + timedelta(seconds=60)) is VersionAction.NEW
    restored = LatestVersion("a", T0, "restored from Mon 22 Aug 2005 08:00")
    assert version_action(restored, "ab", T0 + timedelta(seconds=1)) is VersionAction.NEW


def test_only_a_section_with_text_covers_a_criterion() -> None:
    # 10 has text, 11 is linked but empty: criterion 2 is linked only, 3 is linked to nothing.
    result = coverage([1, 2, 3], [10, 11, 12], [(10, 1), (11, 2)], written=[10])
    assert result.uncovered_criteria == {2, 3}
    assert result.linked_only == {2}
    assert result.idle_sections == {12}  # serving no criterion is about links, not text
    assert has_text("We will.") and has_text("| a |\n|---|\n| Year 1 |\n")
    assert not has_text("") and not has_text("  \n## \n---\n")


def test_coverage_finds_unaddressed_criteria_and_idle_sections() -> None:
    result = coverage([1, 2, 3], [10, 11, 12], [(10, 1), (10, 2), (99, 3)])
    assert result.uncovered_criteria == {3}
    assert result.idle_sections == {11, 12}


@pytest.mark.parametrize(
    ("text", "bp"), [("12.5", 1250), ("12.5%", 1250), ("10", 1000), ("0.05", 5), ("100", 10000)]
)
def test_weights_are_read_as_percentages(text: str, bp: int) -> None:
    assert parse_weight(text) == bp


@pytest.mark.parametrize("text", ["ten", "12.345", "-5", "101", ""])
def test_bad_weights_are_named(text: str) -> None:
    with pytest.raises(ValueError, match=f"“{text}”"):
        parse_weight(text)


def test_weight_total_says_how_far_from_100() -> None:
    assert weight_message(10000) == "Weights total 100%"
    assert "10% still to give" in weight_message(9000)
    assert "2.5% too much" in weight_message(10250)


def test_word_meter_is_amber_within_ten_percent_and_red_over() -> None:
    assert meter_level(629, 700) == OK
    assert meter_level(630, 700) == NEAR
    assert meter_level(700, 700) == NEAR
    assert meter_level(701, 700) == OVER
    assert meter_level(5000, None) == OK
    assert meter_text(612, 700) == "612 / 700 words"
    assert meter_text(710, 700) == "710 / 700 words — 10 over the limit"


def test_comparison_pairs_lines_and_marks_changed_words() -> None:
    rows = textdiff.compare("same\nold words here\ngone", "same\nnew words here\nadded")
    kinds = [row.kind for row in rows]
    assert kinds[0] == textdiff.SAME
    assert textdiff.CHANGED in kinds
    changed = next(row for row in rows if row.kind == textdiff.CHANGED)
    assert [s.text for s in changed.left if s.changed] == ["old"]
    assert [s.text for s in changed.right if s.changed] == ["new"]
    assert textdiff.change_count(rows) == 2
