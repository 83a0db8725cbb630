"""Percentages as integer basis points (hundredths of a percent): one grammar in, one form out.

Criteria weights and partners' shares of funding are both read and printed here, so "12.5",
"12.5%" and "12,5" mean 1250 everywhere and 1250 always prints as "12.5%".
"""

from __future__ import annotations

import re

#: 100% in basis points.
FULL_BP = 10_000

# Up to three whole digits, then up to two decimals; the text has had its "%" removed.
_PERCENT = re.compile(r"^(\d{1,3})(?:\.(\d*))?$")


def parse_percent(text: str, what: str = "a percentage") -> int:
    """'12.5', '12.5%' or '12,5' -> 1250 basis points, between 0% and 100%.

    A single comma with no point is a decimal comma (Excel in many locales writes 12,5): a
    percentage never needs a thousands separator. Raises ValueError quoting `text` and saying
    it is not `what` ("a weight", "a share of funding").
    """
    stripped = text.strip().removesuffix("%").strip()
    if stripped.count(",") == 1 and "." not in stripped:
        stripped = stripped.replace(",", ".")
    match = _PERCENT.match(stripped)
    if match is None:
        raise ValueError(
            f"“{text.strip()}” is not {what}: write a percentage such as 12.5 "
            "(at most two decimal places)."
        )
    decimals = match.group(2) or ""
    if len(decimals.rstrip("0")) > 2:
        raise ValueError(
            f"“{text.strip()}” has more than two decimal places: {what} is a percentage such "
            "as 12.5 or 33.33."
        )
    basis_points = int(match.group(1)) * 100 + int(decimals[:2].ljust(2, "0"))
    if basis_points > FULL_BP:
        raise ValueError(f"“{text.strip()}” is not between 0% and 100%.")
    return basis_points


def format_percent_number(basis_points: int) -> str:
    """1250 -> "12.5", 3333 -> "33.33", 10000 -> "100": for a field with "%" shown beside it."""
    sign = "-" if basis_points < 0 else ""
    whole, hundredths = divmod(abs(basis_points), 100)
    if hundredths == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{hundredths:02d}".rstrip("0")


def format_percent(basis_points: int) -> str:
    """1250 -> "12.5%": how every page, export and message prints a weight or share."""
    return f"{format_percent_number(basis_points)}%"
