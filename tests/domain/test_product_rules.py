"""The products register's categories, decisions and counter."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.product_rules import (
    check_category,
    check_decision,
    count_text,
    is_maintained,
)


def test_counter_text() -> None:
    assert count_text(8, 41) == "8 of 41 products recorded"


def test_decisions_accept_wording_or_stored_value() -> None:
    assert check_decision("Merge into another product") == "merge"
    assert check_decision("retire") == "retire"
    assert check_decision("") == ""
    assert check_decision("not decided") == ""
    with pytest.raises(ValueError, match="Decision “bin it” is not one of: keep, refresh"):
        check_decision("bin it")


def test_categories() -> None:
    assert check_category(" Best Practice ") == "best practice"
    with pytest.raises(ValueError, match="Category “manual”"):
        check_category("manual")


def test_only_retired_products_stop_costing() -> None:
    assert [is_maintained(d) for d in ("", "keep", "refresh", "merge", "retire")] == [
        True,
        True,
        True,
        True,
        False,
    ]
