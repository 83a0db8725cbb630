"""Risk scores and bands on the 5x5 grid."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.risk_rules import heat_map_counts, rating, score


def test_score_is_likelihood_times_impact() -> None:
    assert score(3, 4) == 12
    assert score(1, 1) == 1
    assert score(5, 5) == 25


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_levels_outside_one_to_five_are_refused(bad: int) -> None:
    with pytest.raises(ValueError, match="Likelihood must be a whole number from 1 to 5"):
        score(bad, 3)
    with pytest.raises(ValueError, match="Impact must be"):
        score(3, bad)


@pytest.mark.parametrize(
    ("risk_score", "band"),
    [
        (1, "low"),
        (4, "low"),
        (5, "medium"),
        (9, "medium"),
        (10, "high"),
        (16, "high"),
        (20, "very high"),
        (25, "very high"),
    ],
)
def test_rating_bands(risk_score: int, band: str) -> None:
    assert rating(risk_score) == band


def test_rating_refuses_impossible_scores() -> None:
    with pytest.raises(ValueError, match="1 to 25"):
        rating(26)


def test_heat_map_counts_every_cell() -> None:
    counts = heat_map_counts([(3, 4), (3, 4), (2, 4)])
    assert len(counts) == 25
    assert counts[(3, 4)] == 2
    assert counts[(2, 4)] == 1
    assert sum(counts.values()) == 3
