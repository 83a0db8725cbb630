"""The products register's vocabulary and counts: categories, decisions, "8 of 41 products recorded"."""

from __future__ import annotations

CATEGORIES = ("standard", "toolkit", "best practice", "guide", "specification", "other")

#: Stored value -> what the user reads; "" means not decided yet.
DECISIONS = {
    "": "not decided",
    "keep": "keep",
    "refresh": "refresh",
    "merge": "merge into another product",
    "retire": "retire",
}


def check_category(value: str) -> str:
    cleaned = value.strip().casefold()
    if cleaned not in CATEGORIES:
        raise ValueError(f"Category “{value}” is not one of: {', '.join(CATEGORIES)}.")
    return cleaned


def check_decision(value: str) -> str:
    """Accepts the stored value or its wording ("merge into another product" -> "merge")."""
    cleaned = value.strip().casefold()
    if cleaned in ("not decided", "undecided"):
        return ""
    for stored, wording in DECISIONS.items():
        if cleaned in (stored, wording):
            return stored
    choices = ", ".join(wording for stored, wording in DECISIONS.items() if stored)
    raise ValueError(f"Decision “{value}” is not one of: {choices} (or leave it empty).")


def is_maintained(decision: str) -> bool:
    """Every product not being retired costs money to maintain (merged ones until merged)."""
    return decision != "retire"


def count_text(recorded: int, expected: int) -> str:
    return f"{recorded} of {expected} products recorded"
