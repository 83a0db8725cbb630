"""Money as integer pence: the one grammar for amounts users type, and the ways amounts print.

The grammar (also in the README): an optional sign ("-" or "−", before or after "£"), an
optional "£" or "GBP", pounds written plainly (12500) or grouped in threes with commas
(12,500), then up to two decimals of pence. Spaces are ignored ("GBP 1 000"), "(1,000)" is an
accounting negative, a blank is an error (or £0 where the field allows it, see `parse_cost`).
Scientific notation ("1e3") and misplaced commas ("12,50") are refused: neither is how anyone
writes money, and guessing could store a thousand times the amount meant.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d*)?$")
_PLAIN = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")


def parse_money(text: str, what: str = "Amount") -> int:
    """Pounds as typed -> exact integer pence; raises ValueError naming `what` and the text.

    Accepts "£12,500.50", "12500", "12,500.5", "-£250", "£-250" and accounting negatives
    "(1,000)". Decimal arithmetic only, so no amount ever drifts by a penny.
    """
    original = text
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise ValueError(f"{what} is empty: type an amount in pounds, such as £12,500.50.")
    negative = False
    if cleaned.startswith("(") and cleaned.endswith(")"):
        negative, cleaned = True, cleaned[1:-1]
    if cleaned.startswith(("-", "−")):
        negative, cleaned = not negative, cleaned[1:]
    if cleaned.startswith("£"):
        cleaned = cleaned[1:]
    elif cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    if cleaned.startswith(("-", "−")):
        negative, cleaned = not negative, cleaned[1:]
    if "," in cleaned and not _GROUPED.match(cleaned):
        raise ValueError(
            f"{what} “{original.strip()}” has commas in the wrong places: "
            "write thousands as 12,500 or leave the commas out."
        )
    cleaned = cleaned.replace(",", "")
    if not _PLAIN.match(cleaned):
        raise ValueError(
            f"{what} “{original.strip()}” is not an amount in pounds: "
            "use digits with an optional £, commas and pence, such as £12,500.50."
        )
    try:
        pounds = Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - the pattern above already rules this out
        raise ValueError(f"{what} “{original.strip()}” is not an amount in pounds.") from None
    pence = pounds * 100
    if pence != pence.to_integral_value():
        raise ValueError(
            f"{what} “{original.strip()}” has more than two decimal places: "
            "amounts are pounds and pence."
        )
    value = int(pence)
    return -value if negative else value


def parse_cost(text: str, what: str = "Amount") -> int:
    """A cost or contribution: the grammar of `parse_money`, a blank is £0, never negative."""
    if not text.strip():
        return 0
    pence = parse_money(text, what)
    if pence < 0:
        raise ValueError(f"{what} “{text.strip()}” cannot be negative.")
    return pence


def format_pence(pence: int) -> str:
    """12500_50 -> "£12,500.50"; negatives as "-£1,000.00"."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}£{pounds:,}.{pennies:02d}"


def format_pence_plain(pence: int) -> str:
    """For edit boxes: "12500.50" without the pound sign or commas, re-readable by parse_money."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds}.{pennies:02d}"


def format_pounds_for_field(pence: int) -> str:
    """For a form field with "£" beside it: "12,500.50", grouped, re-readable by parse_money."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    return f"{sign}{pounds:,}.{pennies:02d}"


def format_whole_pounds(pence: int) -> str:
    """12500_50 -> "£12,501": to the nearest pound (halves away from zero), for printed tables."""
    sign = "-" if pence < 0 else ""
    pounds, pennies = divmod(abs(pence), 100)
    if pennies >= 50:
        pounds += 1
    return f"{sign}£{pounds:,}"


def format_money(pence: int, *, whole_pounds: bool) -> str:
    """The bid's chosen way of printing money: whole pounds or pounds and pence."""
    return format_whole_pounds(pence) if whole_pounds else format_pence(pence)
