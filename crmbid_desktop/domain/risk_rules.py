"""Risk scoring on the usual 5x5 grid: score = likelihood x impact, and the rating band it falls in."""

from __future__ import annotations

from collections.abc import Iterable

LEVELS = (1, 2, 3, 4, 5)
LIKELIHOOD_LABELS = {1: "rare", 2: "unlikely", 3: "possible", 4: "likely", 5: "almost certain"}
IMPACT_LABELS = {1: "negligible", 2: "minor", 3: "moderate", 4: "major", 5: "severe"}
RISK_STATUSES = ("open", "being managed", "closed")

#: (lowest score, rating), highest band first.
RATING_BANDS = ((20, "very high"), (10, "high"), (5, "medium"), (1, "low"))


def check_level(value: int, what: str) -> int:
    """Likelihood and impact run from 1 to 5; anything else is refused with its name."""
    if value not in LEVELS:
        raise ValueError(f"{what} must be a whole number from 1 to 5, not {value}.")
    return value


def score(likelihood: int, impact: int) -> int:
    return check_level(likelihood, "Likelihood") * check_level(impact, "Impact")


def rating(risk_score: int) -> str:
    """1-4 low, 5-9 medium, 10-16 high, 20-25 very high."""
    if not 1 <= risk_score <= 25:
        raise ValueError(f"A risk score runs from 1 to 25, not {risk_score}.")
    for lowest, name in RATING_BANDS:
        if risk_score >= lowest:
            return name
    raise AssertionError("unreachable")  # pragma: no cover


def heat_map_counts(cells: Iterable[tuple[int, int]]) -> dict[tuple[int, int], int]:
    """(likelihood, impact) pairs -> how many risks sit in each of the 25 cells (zeros included)."""
    counts = {(likelihood, impact): 0 for likelihood in LEVELS for impact in LEVELS}
    for likelihood, impact in cells:
        counts[(check_level(likelihood, "Likelihood"), check_level(impact, "Impact"))] += 1
    return counts
