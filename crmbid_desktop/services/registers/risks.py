"""The risk register: rows sorted by score, edits, heat-map counts, print rows."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from crmbid_desktop.domain import risk_rules
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.services.registers.register import Register, short
from crmbid_desktop.store.models import Risk


@dataclass(frozen=True)
class RiskFields:
    description: str
    cause: str = ""
    likelihood: int = 3
    impact: int = 3
    owner: str = ""
    mitigation: str = ""
    status: str = "open"
    review_on: date | None = None

    def checked(self) -> RiskFields:
        description = self.description.strip()
        if not description:
            raise ValueError("A risk needs a description.")
        risk_rules.score(self.likelihood, self.impact)  # raises naming likelihood or impact
        status = self.status.strip().casefold()
        if status not in risk_rules.RISK_STATUSES:
            raise ValueError(
                f"Status “{self.status}” is not one of: {', '.join(risk_rules.RISK_STATUSES)}."
            )
        return replace(self, description=description, status=status)


@dataclass(frozen=True)
class RiskRow:
    id: int
    uuid: str
    fields: RiskFields

    @property
    def score(self) -> int:
        return risk_rules.score(self.fields.likelihood, self.fields.impact)

    @property
    def rating(self) -> str:
        return risk_rules.rating(self.score)

    @property
    def cell(self) -> tuple[int, int]:
        return self.fields.likelihood, self.fields.impact


def heat_map(rows: list[RiskRow]) -> dict[tuple[int, int], int]:
    """(likelihood, impact) -> number of risks still live there; closed risks leave the map."""
    return risk_rules.heat_map_counts(row.cell for row in rows if row.fields.status != "closed")


#: How each field is named in an undo step and the change log ("Changed the owner of …").
FIELD_LABELS = {
    "description": "description",
    "cause": "cause",
    "likelihood": "likelihood",
    "impact": "impact",
    "owner": "owner",
    "mitigation": "mitigation",
    "status": "status",
    "review_on": "review date",
}
_LONG_TEXT = {"description", "cause", "mitigation"}


def describe_change(old: RiskFields, new: RiskFields) -> str:
    """One line for the undo menu and change log; "" when nothing changed."""
    changed = [key for key in asdict(new) if getattr(old, key) != getattr(new, key)]
    if not changed:
        return ""
    name = short(new.description, 40)
    if len(changed) > 1:
        labels = ", ".join(FIELD_LABELS[key] for key in changed)
        return f"Changed the {labels} of risk “{name}”"
    key = changed[0]
    value = getattr(new, key)
    label = FIELD_LABELS[key]
    if key == "description":
        return f"Changed the description of risk “{name}”"
    if value is None or value == "":
        return f"Cleared the {label} of risk “{name}”"
    if key in _LONG_TEXT:
        return f"Changed the {label} of risk “{name}”"
    if key in ("likelihood", "impact"):
        score = risk_rules.score(new.likelihood, new.impact)
        return f"Changed the {label} of risk “{name}” to {value} (score {score})"
    text = format_date(value) if key == "review_on" else str(value)
    return f"Changed the {label} of risk “{name}” to {text}"


class RisksRegister(Register[RiskFields, RiskRow]):
    table = Risk
    fields_type = RiskFields
    entity = "risk"
    title_field = "description"
    new_title = "New risk"
    text_fields = ("description", "cause", "mitigation")

    def title(self, fields: RiskFields) -> str:
        return short(fields.description)

    def rows_from(self, session: Session, found: Sequence[Any]) -> list[RiskRow]:
        """Highest score first, so the register reads from the worst risk down."""
        rows = [RiskRow(risk.id, risk.uuid, self.fields_of(risk)) for risk in found]
        return sorted(rows, key=lambda row: (-row.score, row.id))

    def describe_change(self, session: Session, old: RiskFields, new: RiskFields) -> str:
        return describe_change(old, new)


RISKS = RisksRegister()
