"""Products register to and from CSV/XLSX, with the same tolerant reader and row report as partners."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from crmbid_desktop.domain import product_rules
from crmbid_desktop.domain.dates import parse_date
from crmbid_desktop.domain.money import format_pence_plain, parse_money
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.formats import (
    ExportOptions,
    ExportResult,
    Handler,
    ImportOptions,
    ImportReport,
    register_exporter,
    register_importer,
)
from crmbid_desktop.services.registers import products
from crmbid_desktop.services.registers.products import ProductFields
from crmbid_desktop.services.spreadsheets.tabular import (
    FieldSpec,
    SourceRow,
    read_table,
    write_csv,
    write_xlsx,
)
from crmbid_desktop.store.models import Product

FIELDS: list[FieldSpec] = [
    FieldSpec("name", "Product", ("product name", "name", "title", "tool"), required=True),
    FieldSpec("category", "Category", ("type", "kind")),
    FieldSpec("description", "Description", ("short description", "summary")),
    FieldSpec("current_state", "Current state", ("state", "status")),
    FieldSpec("decision", "Decision", ("keep refresh merge retire", "recommendation")),
    FieldSpec("decision_reason", "Reason", ("decision reason", "reason for decision", "why")),
    FieldSpec("owner", "Owner council", ("owner", "council", "owning council")),
    FieldSpec(
        "yearly_cost",
        "Yearly cost",
        ("yearly cost to maintain", "annual cost", "cost a year", "maintenance cost", "cost"),
    ),
    FieldSpec("downloads", "Downloads", ("download count",)),
    FieldSpec("councils_using", "Councils using it", ("councils using", "councils", "users")),
    FieldSpec("next_review", "Next review", ("next review date", "review date", "review")),
]


@dataclass(frozen=True)
class _Parsed:
    number: int
    fields: ProductFields
    #: Field names the file has a column for; others keep their values on an update.
    present: frozenset[str]


_MODEL_FIELD = {
    "owner": "owner_partner_id",
    "yearly_cost": "yearly_cost_pence",
    "next_review": "next_review_on",
}


def _whole(text: str, what: str) -> int | None:
    cleaned = text.replace(",", "").strip()
    if not cleaned:
        return None
    if cleaned.endswith(".0"):  # Excel numbers read back as floats
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        raise ValueError(f"{what} “{text}” is not a whole number (leave it empty if unknown).")
    return int(cleaned)


def _parse_row(row: SourceRow, owners: dict[str, int]) -> ProductFields:
    values = row.values
    owner_text = values.get("owner", "")
    owner_id = None
    if owner_text:
        owner_id = owners.get(owner_text.casefold())
        if owner_id is None:
            raise ValueError(
                f"owner council “{owner_text}” is not a partner in this bid; add it on the "
                "Partners page first or leave the cell empty."
            )
    cost_text = values.get("yearly_cost", "")
    review_text = values.get("next_review", "")
    try:
        review = parse_date(review_text) if review_text else None
    except ValueError as error:
        raise ValueError(f"next review: {error}") from None
    return ProductFields(
        name=values.get("name", ""),
        category=values.get("category", "") or "other",
        description=values.get("description", ""),
        current_state=values.get("current_state", ""),
        decision=values.get("decision", ""),
        decision_reason=values.get("decision_reason", ""),
        owner_partner_id=owner_id,
        yearly_cost_pence=parse_money(cost_text, "Yearly cost") if cost_text else 0,
        downloads=_whole(values.get("downloads", ""), "Downloads"),
        councils_using=_whole(values.get("councils_using", ""), "Councils using it"),
        next_review_on=review,
    ).checked()


@dataclass(frozen=True)
class ProductsImportPlan:
    """What a products file would do, read before anything is changed (the preview)."""

    source: Path
    lines: list[str]
    parsed: list[_Parsed]
    added: int
    updated: int
    rejected: int
    #: Rows naming a product whose stored values already match (left out of `parsed`).
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.parsed)


def read_products_file(
    workspace: Workspace, source: Path, progress: Callable[[int, int], None] | None = None
) -> ProductsImportPlan:
    """Read and check every row; changes nothing. Bad rows are listed, not lost."""
    table = read_table(source, FIELDS, progress=progress)
    with workspace.reading() as session:
        owners = {p.name.casefold(): p.id for p in queries.partners(session)}
        existing = {row.name.casefold(): row for row in products.PRODUCTS.read_rows(session)}
    lines = [
        f"Read {len(table.rows)} rows from “{source.name}” (headings on row {table.header_row})."
    ]
    if table.ignored_columns:
        lines.append("Ignored columns: " + ", ".join(table.ignored_columns) + ".")
    parsed: list[_Parsed] = []
    seen: dict[str, int] = {}
    rejected = unchanged = 0
    present = (
        frozenset(_MODEL_FIELD.get(name, name) for name in table.rows[0].values)
        if (table.rows)
        else frozenset()
    )
    for number, row in enumerate(table.rows):
        if progress is not None and number % 250 == 0:
            progress(number, len(table.rows))
        try:
            fields = _parse_row(row, owners)
        except ValueError as error:
            rejected += 1
            lines.append(f"Row {row.number}: skipped: {error}")
            continue
        key = fields.name.casefold()
        if key in seen:
            rejected += 1
            lines.append(
                f"Row {row.number}: skipped: “{fields.name}” is already on row {seen[key]}."
            )
            continue
        seen[key] = row.number
        current = existing.get(key)
        if current is not None and not _differences(current.fields, fields, present):
            unchanged += 1  # re-importing our own export changes nothing and logs nothing
            continue
        parsed.append(_Parsed(row.number, fields, present))
    added = sum(1 for item in parsed if item.fields.name.casefold() not in existing)
    return ProductsImportPlan(
        source, lines, parsed, added, len(parsed) - added, rejected, unchanged
    )


def _differences(stored: ProductFields, incoming: ProductFields, present: frozenset[str]) -> bool:
    """Whether importing `incoming` would change a stored product (only columns in the file)."""
    return any(
        getattr(stored, key) != value
        for key, value in vars(incoming).items()
        if key in present and key != "name"
    ) or (stored.name != incoming.name and "name" in present)


def plan_summary(plan: ProductsImportPlan, dry_run: bool) -> str:
    same = f", {plan.unchanged} unchanged" if plan.unchanged else ""
    if dry_run:
        return (
            f"Would add {plan.added} products, would update {plan.updated}{same}; "
            f"{plan.rejected} rows skipped."
        )
    return (
        f"Added {plan.added} products, updated {plan.updated}{same}; {plan.rejected} rows skipped."
    )


def apply_products_import(
    workspace: Workspace,
    plan: ProductsImportPlan,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Apply a read plan as one edit (one undo step, one change-log line).

    `progress(done, total)` is called as rows are applied; if it raises (the user cancelled,
    see services.cancel), the whole edit is rolled back and nothing is imported.
    """
    lines = [*plan.lines, plan_summary(plan, dry_run=False)]
    if not plan.parsed:
        return ImportReport(lines, plan.rejected)
    total = len(plan.parsed) + 1
    with workspace.edit(
        f"Imported products from {plan.source.name}: {plan.added} added, {plan.updated} updated",
        action="import",
        entity="product",
    ) as session:
        # Matched again inside the transaction: the bid may have changed since it was read.
        by_name = {p.name.casefold(): p for p in session.scalars(select(Product))}
        for number, item in enumerate(plan.parsed):
            if progress is not None and number % 100 == 0:
                progress(number, total)
            product = by_name.get(item.fields.name.casefold())
            if product is None:
                product = Product(**vars(item.fields))
                session.add(product)
                by_name[item.fields.name.casefold()] = product
                continue
            for key, value in vars(item.fields).items():
                # A column the file does not have leaves the stored value alone.
                if key in item.present or key == "name":
                    setattr(product, key, value)
        if progress is not None:
            progress(len(plan.parsed), total)  # last chance to cancel before the commit
    lines.append(products.product_count_text(workspace) + ".")
    return ImportReport(lines, plan.rejected)


def import_products(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    """Add new products and update those whose name matches; bad rows are listed and skipped."""
    plan = read_products_file(workspace, source)
    if options.dry_run:
        lines = [*plan.lines, plan_summary(plan, dry_run=True), "Dry run: nothing was changed."]
        return ImportReport(lines, plan.rejected)
    return apply_products_import(workspace, plan)


# -- export ----------------------------------------------------------------------------------------


def _export_rows(workspace: Workspace, money_as_number: bool) -> list[list[object]]:
    rows = products.product_rows(workspace)
    out: list[list[object]] = []
    for row in rows:
        f = row.fields
        cost: object = (
            Decimal(f.yearly_cost_pence) / 100
            if money_as_number
            else format_pence_plain(f.yearly_cost_pence)
        )
        out.append(
            [
                f.name,
                f.category,
                product_rules.DECISIONS.get(f.decision, f.decision) if f.decision else "",
                f.decision_reason,
                f.description,
                f.current_state,
                row.owner_name,
                cost,
                f.downloads,
                f.councils_using,
                f.next_review_on,
            ]
        )
    return out


#: Column order of exported files; every heading is one the importer recognises.
EXPORT_HEADERS = [
    "Product",
    "Category",
    "Decision",
    "Reason",
    "Description",
    "Current state",
    "Owner council",
    "Yearly cost",
    "Downloads",
    "Councils using it",
    "Next review",
]


def export_products_csv(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    rows = _export_rows(workspace, money_as_number=False)
    write_csv(target, EXPORT_HEADERS, rows)
    return ExportResult(target, f"Wrote {len(rows)} products to {target}.")


def export_products_xlsx(
    workspace: Workspace, target: Path, options: ExportOptions
) -> ExportResult:
    rows = _export_rows(workspace, money_as_number=True)
    write_xlsx(target, {"Products": (EXPORT_HEADERS, rows)})
    return ExportResult(target, f"Wrote {len(rows)} products to {target}.")


for _suffix, _export in ((".csv", export_products_csv), (".xlsx", export_products_xlsx)):
    register_exporter(
        Handler(_suffix, "products", "Products register", _export, name_hints=("product",))
    )
    register_importer(
        Handler(_suffix, "products", "Products register", import_products, name_hints=("product",))
    )
