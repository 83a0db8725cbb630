"""Percentages: one grammar for criteria weights and shares of funding, one printed form."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.coverage import parse_weight
from crmbid_desktop.domain.partner_rules import RuleError, parse_share_bp
from crmbid_desktop.domain.percentages import format_percent, format_percent_number, parse_percent


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("12.5", 1250),
        ("12.5%", 1250),
        ("12,5", 1250),
        (" 33.33 % ", 3333),
        ("100", 10_000),
        ("0.05", 5),
        ("7.", 700),
        ("12.50", 1250),
    ],
)
def test_weights_and_shares_read_the_same_text_the_same_way(text: str, bp: int) -> None:
    assert parse_percent(text) == bp
    assert parse_weight(text) == bp
    assert parse_share_bp(text) == bp


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "is not"),
        ("-5", "is not"),
        ("1e2", "is not"),
        ("12.345", "two decimal"),
        ("100.01", "between 0% and 100%"),
    ],
)
def test_bad_percentages_are_refused_by_both_with_the_same_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_weight(text)
    with pytest.raises(RuleError, match=message):
        parse_share_bp(text)


def test_one_printed_form() -> None:
    assert [format_percent(v) for v in (10_000, 3333, 1250, 5, 0)] == [
        "100%",
        "33.33%",
        "12.5%",
        "0.05%",
        "0%",
    ]
    assert format_percent_number(1250) == "12.5"
    assert format_percent(-250) == "-2.5%"
