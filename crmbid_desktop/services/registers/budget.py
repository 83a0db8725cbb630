"""The multi-year budget: standard income and cost lines, lines drawn from the partner and products
registers, per-year amounts, totals and surplus or gap, and rows for print."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crmbid_desktop.domain import product_rules
from crmbid_desktop.domain.budget_rules import (
    COST,
    INCOME,
    LineAmounts,
    YearTotals,
    balance_words,
    budget_years,
    financial_year_label,
    year_totals,
)
from crmbid_desktop.domain.concurrent_edits import merge_fields
from crmbid_desktop.domain.money import format_pence
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.bid_details import bid_id
from crmbid_desktop.services.bid.versioned import (
    Conflict,
    Loaded,
    SaveResult,
    Unwritten,
    last_changed_by,
)
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Bid, BudgetAmount, BudgetLine, Partner, Product, new_uuid

#: Sources whose amounts are computed from another register, never typed in.
PARTNERS_SOURCE = "partners"
PRODUCTS_SOURCE = "products"
DRAWN_FROM = {PARTNERS_SOURCE: "partner register", PRODUCTS_SOURCE: "products register"}


@dataclass(frozen=True)
class StandardLine:
    kind: str
    source: str
    label: str


#: Every bid's budget shows these lines, in this order, whether or not any amount is stored yet.
STANDARD_LINES = (
    StandardLine(INCOME, PARTNERS_SOURCE, "Partner contributions"),
    StandardLine(INCOME, "subscriptions", "Subscriptions"),
    StandardLine(INCOME, "paid services", "Paid services"),
    StandardLine(INCOME, "sponsorship", "Sponsorship"),
    StandardLine(INCOME, "grant", "Grant"),
    StandardLine(COST, "staff", "Staff"),
    StandardLine(COST, "hosting", "Hosting"),
    StandardLine(COST, PRODUCTS_SOURCE, "Product maintenance"),
    StandardLine(COST, "promotion and events", "Promotion and events"),
)


class ReadOnlyLineError(ValueError):
    """An amount on a line drawn from another register was typed into."""


@dataclass(frozen=True)
class BudgetRow:
    kind: str
    source: str
    label: str
    amounts: dict[int, int] = field(default_factory=dict)  # year -> pence

    @property
    def drawn_from(self) -> str:
        """ "" for a typed-in line, else the register the amounts come from."""
        return DRAWN_FROM.get(self.source, "")

    def amount(self, year: int) -> int:
        return self.amounts.get(year, 0)


@dataclass(frozen=True)
class BudgetTable:
    years: list[int]
    income: list[BudgetRow]
    costs: list[BudgetRow]
    totals: list[YearTotals]

    @property
    def year_labels(self) -> list[str]:
        return [financial_year_label(year) for year in self.years]

    @property
    def is_empty(self) -> bool:
        """No income or cost entered or drawn in any year: nothing yet to balance."""
        return not any(
            row.amount(year) for row in (*self.income, *self.costs) for year in self.years
        )


def partner_contributions_pence(session: Session) -> int:
    """A year's contributions from every partner still in the partnership."""
    # Two columns, not whole rows: this is read again whenever a council changes.
    rows = session.execute(select(Partner.contribution_pence, Partner.status))
    return sum(pence for pence, status in rows if status != "withdrawn")


def product_maintenance_pence(session: Session) -> int:
    """A year's cost of maintaining every product not being retired."""
    rows = session.execute(select(Product.yearly_cost_pence, Product.decision))
    return sum(pence for pence, decision in rows if product_rules.is_maintained(decision))


def drawn_inputs(session: Session) -> tuple[int, int, tuple[int, int]]:
    """What the budget draws from elsewhere: contributions, maintenance, its years.

    The budget tab compares this before and after a change to the partners or products, so an
    edit that moves none of them (a council's region, a product's description) costs nothing.
    """
    return (
        partner_contributions_pence(session),
        product_maintenance_pence(session),
        budget_settings(session),
    )


def budget_settings(session: Session) -> tuple[int, int]:
    bid = session.scalars(select(Bid)).one()
    return bid.budget_first_year, bid.budget_year_count


def budget_table(session: Session) -> BudgetTable:
    first_year, count = budget_settings(session)
    years = budget_years(first_year, count)
    stored = {
        (line.kind, line.source): line
        for line in session.scalars(
            select(BudgetLine)
            .options(selectinload(BudgetLine.amounts))
            .order_by(BudgetLine.position, BudgetLine.id)
        )
    }
    drawn = {
        PARTNERS_SOURCE: partner_contributions_pence(session),
        PRODUCTS_SOURCE: product_maintenance_pence(session),
    }

    def row(kind: str, source: str, label: str) -> BudgetRow:
        if source in drawn:
            return BudgetRow(kind, source, label, dict.fromkeys(years, drawn[source]))
        line = stored.get((kind, source))
        amounts = {amount.year: amount.amount_pence for amount in line.amounts} if line else {}
        return BudgetRow(kind, source, line.label if line else label, amounts)

    rows = [row(line.kind, line.source, line.label) for line in STANDARD_LINES]
    standard = {(line.kind, line.source) for line in STANDARD_LINES}
    # Lines a later version (or another council's copy) added keep their place after the standard.
    rows += [
        row(line.kind, line.source, line.label)
        for key, line in stored.items()
        if key not in standard and line.kind in (INCOME, COST)
    ]
    income = [r for r in rows if r.kind == INCOME]
    costs = [r for r in rows if r.kind == COST]
    totals = year_totals((LineAmounts(r.kind, r.amounts) for r in rows), years)
    return BudgetTable(years, income, costs, totals)


@dataclass(frozen=True)
class BudgetView:
    """What the budget grid shows, and the figures it draws from the other registers."""

    table: BudgetTable
    #: (partners' contributions, products' maintenance, (first year, years)): see drawn_inputs.
    inputs: tuple[int, int, tuple[int, int]]


def read_budget(workspace: Workspace) -> BudgetView:
    """The budget grid and what it draws from partners, products and the bid, in one read."""
    with workspace.reading() as session:
        return BudgetView(budget_table(session), drawn_inputs(session))


def read_drawn_inputs(workspace: Workspace) -> tuple[int, int, tuple[int, int]]:
    """What the grid draws from the other registers: it needs working out again if this moved."""
    with workspace.reading() as session:
        return drawn_inputs(session)


def _standard(kind: str, source: str) -> StandardLine | None:
    return next((s for s in STANDARD_LINES if (s.kind, s.source) == (kind, source)), None)


#: The one field a budget cell saves, as its conflicts name it.
AMOUNT = "amount_pence"


def _amount_row(session: Session, kind: str, source: str, year: int) -> BudgetAmount | None:
    return session.scalars(
        select(BudgetAmount)
        .join(BudgetLine, BudgetAmount.line_id == BudgetLine.id)
        .where(BudgetLine.kind == kind, BudgetLine.source == source, BudgetAmount.year == year)
        .order_by(BudgetLine.id)
        .execution_options(populate_existing=True)
    ).first()


class _Overtaken(Exception):
    """The cell's first amount was stored by someone else between reading and locking."""


def set_amount(
    workspace: Workspace, kind: str, source: str, year: int, pence: int, *, shown: int | None = None
) -> SaveResult:
    """Store one line's amount for one year, if nobody else changed the cell since it showed `shown`.

    `shown` is the amount the cell showed when editing began (None: whatever is saved, for a
    script filling a budget). Someone else's different amount saved since comes back as a
    conflict naming them, and nothing is written; the user settles it (`shown` = theirs, to keep
    mine). `now` holds the amount as saved after the call.
    """
    if source in DRAWN_FROM:
        raise ReadOnlyLineError(
            f"This line is drawn from the {DRAWN_FROM[source]}: change the amounts there."
        )
    with workspace.reading() as session:
        first_year, count = budget_settings(session)
        found = _amount_row(session, kind, source, year)
        uuid = found.uuid if found else new_uuid()
    if year not in budget_years(first_year, count):
        raise ValueError(f"{financial_year_label(year)} is outside the budget's years.")
    summary = f"Budget: {source} {financial_year_label(year)} set to {format_pence(pence)}"
    for _attempt in range(2):  # the second runs on a cell that exists: it cannot be overtaken
        try:
            with workspace.edit(summary, entity="budget_amount", entity_uuid=uuid) as session:
                now = _store_amount(session, workspace, kind, source, year, uuid, shown, pence)
        except _Overtaken as overtaken:
            uuid = str(overtaken.args[0])
            continue
        except Unwritten as unwritten:
            return unwritten.result_as(SaveResult)
        return SaveResult((AMOUNT,), (), now, summary=summary)
    raise AssertionError("unreachable: the second attempt finds the cell's row under the lock")


def _store_amount(
    session: Session,
    workspace: Workspace,
    kind: str,
    source: str,
    year: int,
    uuid: str,
    shown: int | None,
    pence: int,
) -> Loaded:
    """Inside the edit: write the amount over what is saved, or raise `Unwritten` (conflict or
    nothing to do) or `_Overtaken` (the row appeared under another uuid: log against that)."""
    # The bid's row is the budget's lock: a first amount on a never-used line inserts the line
    # and the amount, and two people doing it at once must make one of each, not two lines or a
    # unique-index failure. The second waits here, then reads the first's rows and merges. (With
    # councils' rights the row is hidden from a council's FOR UPDATE; its write is then refused.)
    session.scalars(select(Bid).with_for_update()).first()
    amount = _amount_row(session, kind, source, year)
    if amount is not None and amount.uuid != uuid:
        raise _Overtaken(amount.uuid)
    saved = amount.amount_pence if amount else 0
    merge = merge_fields(
        {AMOUNT: saved if shown is None else shown}, {AMOUNT: pence}, {AMOUNT: saved}
    )
    if not merge.writes:
        version = int(amount.row_version) if amount else 0
        who = last_changed_by(session, uuid, other_than=workspace.user) if merge.clashes else ""
        conflicts = tuple(Conflict(c.field, c.loaded, c.mine, c.theirs, who) for c in merge.clashes)
        raise Unwritten(SaveResult((), conflicts, Loaded(version, {AMOUNT: saved})))
    if amount is None:
        line = session.scalars(
            select(BudgetLine)
            .where(BudgetLine.kind == kind, BudgetLine.source == source)
            .order_by(BudgetLine.id)
        ).first()
        if line is None:
            standard = _standard(kind, source)
            if standard is None:
                raise LookupError(f"There is no {kind} line {source!r} in this budget.")
            line = BudgetLine(
                kind=kind,
                source=source,
                label=standard.label,
                position=STANDARD_LINES.index(standard),
            )
            session.add(line)
            session.flush()
        amount = BudgetAmount(uuid=uuid, line_id=line.id, year=year, amount_pence=pence)
        session.add(amount)
    else:
        amount.amount_pence = pence
    session.flush()
    session.refresh(amount)
    return Loaded(int(amount.row_version), {AMOUNT: pence})


#: The bid's settings the budget's years are saved in.
YEAR_FIELDS = ("budget_first_year", "budget_year_count")


def load_budget_years(workspace: Workspace) -> Loaded:
    """The bid's budget years as the tab shows them, with the row's version, for a later save."""
    return versioned.load(workspace, Bid, bid_id(workspace), YEAR_FIELDS)


def set_budget_years(
    workspace: Workspace, first_year: int, count: int, loaded: Loaded | None = None
) -> SaveResult:
    """Change which financial years the budget covers; stored amounts outside them are kept.

    `loaded` is what the tab showed (None: as saved now); someone else's different years saved
    since come back as conflicts.
    """
    budget_years(first_year, count)  # validates
    if loaded is None:
        loaded = load_budget_years(workspace)

    def describe(writes: Mapping[str, object]) -> str:
        first = cast(int, writes.get("budget_first_year", first_year))
        last = first + cast(int, writes.get("budget_year_count", count)) - 1
        return f"Budget covers {financial_year_label(first)} to {financial_year_label(last)}"

    return versioned.save_fields(
        workspace,
        Bid,
        bid_id(workspace),
        loaded,
        {"budget_first_year": first_year, "budget_year_count": count},
        describe=describe,
        entity="bid",
    )


# -- print rows for the Word proposal --------------------------------------------------------------


def balance_cell(balance_pence: int) -> str:
    """Surplus or gap in figures and words, so it reads right in black and white too."""
    if balance_pence == 0:
        return "£0.00 (breaks even)"
    words = balance_words(balance_pence)
    kind, amount = words.split(" ", 1)
    return f"{amount} {kind}"
