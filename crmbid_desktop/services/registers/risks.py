"""The risk register: rows sorted by score, edits, heat-map counts, print rows."""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain import risk_rules
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.naming import first_free_name
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Risk, new_uuid


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


def _fields_of(risk: Risk) -> RiskFields:
    return RiskFields(
        description=risk.description,
        cause=risk.cause,
        likelihood=risk.likelihood,
        impact=risk.impact,
        owner=risk.owner,
        mitigation=risk.mitigation,
        status=risk.status,
        review_on=risk.review_on,
    )


def risk_rows(session: Session) -> list[RiskRow]:
    """Highest score first, so the register reads from the worst risk down."""
    rows = [RiskRow(risk.id, risk.uuid, _fields_of(risk)) for risk in session.scalars(select(Risk))]
    return sorted(rows, key=lambda row: (-row.score, row.id))


def heat_map(rows: list[RiskRow]) -> dict[tuple[int, int], int]:
    """(likelihood, impact) -> number of risks still live there; closed risks leave the map."""
    return risk_rules.heat_map_counts(row.cell for row in rows if row.fields.status != "closed")


def add_risk(workspace: Workspace, fields: RiskFields) -> int:
    fields = fields.checked()
    risk = Risk(uuid=new_uuid(), **asdict(fields))
    with workspace.edit(
        f"Added risk “{_short(fields.description)}”",
        action="add",
        entity="risk",
        entity_uuid=risk.uuid,
    ) as session:
        session.add(risk)
        session.flush()
        return risk.id


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
    name = _short(new.description, 40)
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


def update_risk(workspace: Workspace, risk_id: int, fields: RiskFields) -> str:
    """Save the risk's fields as one edit; returns its description ("" if nothing changed)."""
    fields = fields.checked()
    with workspace.reading() as session:
        risk = session.get(Risk, risk_id)
        if risk is None:
            raise LookupError("That risk is no longer in the bid (deleted elsewhere?).")
        old, uuid = _fields_of(risk), risk.uuid
    summary = describe_change(old, fields)
    if not summary:
        return ""
    with workspace.edit(summary, entity="risk", entity_uuid=uuid) as session:
        risk = session.get(Risk, risk_id)
        if risk is None:
            raise LookupError("That risk is no longer in the bid (deleted elsewhere?).")
        for key, value in asdict(fields).items():
            setattr(risk, key, value)
    return summary


def new_risk_description(session: Session, base: str = "New risk") -> str:
    """“New risk”, or “New risk 2”… when that is taken, so each new row stands out."""
    return first_free_name(base, session.scalars(select(Risk.description)))


def delete_risk(workspace: Workspace, risk_id: int) -> None:
    """Delete one risk; Edit > Undo puts it back whole (uuid included), as for every edit."""
    with workspace.reading() as session:
        risk = session.get(Risk, risk_id)
        if risk is None:
            raise LookupError("That risk is no longer in the bid (deleted elsewhere?).")
        summary, uuid = f"Deleted risk “{_short(risk.description)}”", risk.uuid
    with workspace.edit(summary, action="delete", entity="risk", entity_uuid=uuid) as session:
        found = session.get(Risk, risk_id)
        if found is not None:
            session.delete(found)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
