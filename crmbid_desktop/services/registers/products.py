"""The products register: its fields, rows, wording of changes, counter and print rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain import product_rules
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.money import format_pence
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers.register import Register
from crmbid_desktop.store.models import Bid, Partner, Product


@dataclass(frozen=True)
class ProductFields:
    """What the detail form (or an import row) sets on a product."""

    name: str
    category: str = "other"
    description: str = ""
    current_state: str = ""
    decision: str = ""
    decision_reason: str = ""
    owner_partner_id: int | None = None
    yearly_cost_pence: int = 0
    downloads: int | None = None
    councils_using: int | None = None
    next_review_on: date | None = None

    def checked(self) -> ProductFields:
        """Normalised copy, or ValueError naming the field that is wrong."""
        name = self.name.strip()
        if not name:
            raise ValueError("A product needs a name.")
        for label, number in (
            ("Yearly cost", self.yearly_cost_pence),
            ("Downloads", self.downloads),
            ("Councils using it", self.councils_using),
        ):
            if number is not None and number < 0:
                raise ValueError(f"{label} cannot be negative.")
        return replace(
            self,
            name=name,
            category=product_rules.check_category(self.category),
            decision=product_rules.check_decision(self.decision),
        )


@dataclass(frozen=True)
class ProductRow:
    id: int
    uuid: str
    fields: ProductFields
    owner_name: str

    @property
    def name(self) -> str:
        return self.fields.name

    @property
    def decision_text(self) -> str:
        return product_rules.DECISIONS.get(self.fields.decision, self.fields.decision)


class ProductsRegister(Register[ProductFields, ProductRow]):
    table = Product
    fields_type = ProductFields
    entity = "product"
    title_field = "name"
    new_title = "New product"
    text_fields = ("description", "current_state", "decision_reason")

    def rows_from(self, session: Session, found: Sequence[Any]) -> list[ProductRow]:
        owners = {partner.id: partner.name for partner in session.scalars(select(Partner))}
        return [
            ProductRow(
                product.id,
                product.uuid,
                self.fields_of(product),
                owners.get(product.owner_partner_id, "") if product.owner_partner_id else "",
            )
            for product in found
        ]

    def describe_change(self, session: Session, old: ProductFields, new: ProductFields) -> str:
        owners = {partner.id: partner.name for partner in session.scalars(select(Partner))}
        return describe_change(old, new, owners)

    def owned_by(self, workspace: Workspace, partner_uuids: Collection[str]) -> frozenset[str]:
        """The uuids of the products these councils own (whose rows show their names)."""
        with workspace.reading() as session:
            found = session.scalars(
                select(Product.uuid)
                .join(Partner, Product.owner_partner_id == Partner.id)
                .where(Partner.uuid.in_(list(partner_uuids)))
            )
            return frozenset(str(uuid) for uuid in found)


PRODUCTS = ProductsRegister()
product_rows = PRODUCTS.rows


def product_count(workspace: Workspace) -> tuple[int, int]:
    """(recorded, expected): the expected total is the bid setting (41 for the CRM Academy)."""
    with workspace.reading() as session:
        recorded = session.scalar(select(func.count()).select_from(Product)) or 0
        expected = session.scalars(select(Bid.expected_products)).one()
    return recorded, expected


def product_count_text(workspace: Workspace) -> str:
    return product_rules.count_text(*product_count(workspace))


#: How each field is named in an undo step and the change log ("Changed the decision of …").
FIELD_LABELS = {
    "category": "category",
    "description": "description",
    "current_state": "current state",
    "decision": "decision",
    "decision_reason": "reason for the decision",
    "owner_partner_id": "owner council",
    "yearly_cost_pence": "yearly cost",
    "downloads": "downloads",
    "councils_using": "councils using it",
    "next_review_on": "next review date",
}
#: Long text is named, not quoted, in the description of a change.
_LONG_TEXT = {"description", "decision_reason"}


def describe_change(
    old: ProductFields, new: ProductFields, owner_names: dict[int, str] | None = None
) -> str:
    """One line for the undo menu and change log; "" when nothing changed.

    One field reads "Changed the decision of “CRM roadmaps” to keep"; several name the fields.
    """
    changed = [key for key in asdict(new) if getattr(old, key) != getattr(new, key)]
    if not changed:
        return ""
    if changed == ["name"]:
        return f"Renamed product “{old.name}” to “{new.name}”"
    fields = [key for key in changed if key != "name"]
    if len(changed) > 1:
        labels = ", ".join(FIELD_LABELS[key] for key in fields)
        renamed = f" (was “{old.name}”)" if "name" in changed else ""
        return f"Changed the {labels} of product “{new.name}”{renamed}"
    key = fields[0]
    value = getattr(new, key)
    label = FIELD_LABELS[key]
    if value is None or value == "":
        if key == "decision":
            return f"Set the decision of “{new.name}” to not decided"
        return f"Cleared the {label} of “{new.name}”"
    if key in _LONG_TEXT:
        return f"Changed the {label} of “{new.name}”"
    return f"Changed the {label} of “{new.name}” to {_value_text(key, value, owner_names or {})}"


def _value_text(key: str, value: Any, owner_names: dict[int, str]) -> str:
    if key == "yearly_cost_pence":
        return format_pence(value)
    if key == "next_review_on":
        return format_date(value)
    if key in ("downloads", "councils_using"):
        return f"{value:,}"
    if key == "decision":
        return str(product_rules.DECISIONS.get(value, value))
    if key == "owner_partner_id":
        return owner_names.get(value, "another council")
    return f"“{value}”" if key == "current_state" else str(value)
