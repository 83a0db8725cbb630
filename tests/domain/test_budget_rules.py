"""Financial years, budget totals and the surplus or gap per year."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.budget_rules import (
    COST,
    INCOME,
    LineAmounts,
    balance_words,
    budget_years,
    financial_year_label,
    year_totals,
)


def test_financial_year_labels() -> None:
    assert financial_year_label(2005) == "2005/06"
    assert financial_year_label(2009) == "2009/10"
    assert financial_year_label(1999) == "1999/00"


def test_default_years_run_2005_06_to_2009_10() -> None:
    years = budget_years(2005, 5)
    assert [financial_year_label(y) for y in years] == [
        "2005/06",
        "2006/07",
        "2007/08",
        "2008/09",
        "2009/10",
    ]
    with pytest.raises(ValueError, match="1 to 10 years"):
        budget_years(2005, 0)


def test_totals_and_balance_per_year() -> None:
    lines = [
        LineAmounts(INCOME, {2005: 10_000_00, 2006: 12_000_50}),
        LineAmounts(INCOME, {2005: 5_000_00}),
        LineAmounts(COST, {2005: 14_000_00, 2006: 13_000_00, 2007: 1}),
    ]
    totals = year_totals(lines, [2005, 2006, 2007])
    assert [(t.income_pence, t.cost_pence, t.balance_pence) for t in totals] == [
        (15_000_00, 14_000_00, 1_000_00),
        (12_000_50, 13_000_00, -999_50),
        (0, 1, -1),
    ]
    assert totals[0].label == "2005/06"


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="income or cost"):
        year_totals([LineAmounts("gift", {})], [2005])


def test_balance_in_words() -> None:
    assert balance_words(1_000_00) == "surplus £1,000.00"
    assert balance_words(-999_50) == "gap £999.50"
    assert balance_words(0) == "breaks even"
