"""Multi-year budget arithmetic: financial years ("2005/06"), totals and the surplus or gap per year."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from crmbid_desktop.domain.money import format_pence

MAX_YEARS = 10
INCOME = "income"
COST = "cost"


def financial_year_label(first_year: int) -> str:
    """2005 -> "2005/06" (April 2005 to March 2006); 1999 -> "1999/00"."""
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def budget_years(first_year: int, count: int) -> list[int]:
    if not 1 <= count <= MAX_YEARS:
        raise ValueError(f"A budget covers 1 to {MAX_YEARS} years, not {count}.")
    if not 1900 <= first_year <= 2100:
        raise ValueError(f"{first_year} is not a plausible first financial year.")
    return [first_year + offset for offset in range(count)]


@dataclass(frozen=True)
class LineAmounts:
    kind: str  # INCOME or COST
    amounts: Mapping[int, int]  # year -> pence


@dataclass(frozen=True)
class YearTotals:
    year: int
    income_pence: int
    cost_pence: int

    @property
    def balance_pence(self) -> int:
        """Positive is a surplus, negative a gap."""
        return self.income_pence - self.cost_pence

    @property
    def label(self) -> str:
        return financial_year_label(self.year)


def year_totals(lines: Iterable[LineAmounts], years: Iterable[int]) -> list[YearTotals]:
    wanted = list(years)
    income = dict.fromkeys(wanted, 0)
    cost = dict.fromkeys(wanted, 0)
    for line in lines:
        if line.kind not in (INCOME, COST):
            raise ValueError(f"A budget line is income or cost, not {line.kind!r}.")
        target = income if line.kind == INCOME else cost
        for year in wanted:
            target[year] += line.amounts.get(year, 0)
    return [YearTotals(year, income[year], cost[year]) for year in wanted]


def balance_words(balance_pence: int) -> str:
    """How the budget row reads aloud: "surplus £1,000.00", "gap £250.00" or "breaks even"."""
    if balance_pence > 0:
        return f"surplus {format_pence(balance_pence)}"
    if balance_pence < 0:
        return f"gap {format_pence(-balance_pence)}"
    return "breaks even"
