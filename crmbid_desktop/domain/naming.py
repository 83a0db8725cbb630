"""Names for new rows that stand out from the ones already there ("New risk 2")."""

from __future__ import annotations

from collections.abc import Iterable


def first_free_name(base: str, taken: Iterable[str]) -> str:
    """`base`, or `base 2`, `base 3`... the first not already taken (ignoring case)."""
    used = {name.casefold() for name in taken}
    if base.casefold() not in used:
        return base
    number = 2
    while f"{base} {number}".casefold() in used:
        number += 1
    return f"{base} {number}"
