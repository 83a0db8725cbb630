"""New bids: blank, or filled from the ODPM CRM 2005 template data file in resources/."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from crmbid_desktop.domain.percentages import parse_percent
from crmbid_desktop.resources import resource_path
from crmbid_desktop.store.bidfile import BidFile, create_bid_file
from crmbid_desktop.store.models import (
    Bid,
    Criterion,
    Milestone,
    Partner,
    Product,
    Risk,
    Section,
    SectionCriterion,
    Task,
    TaskDependency,
)

TEMPLATES = {
    "odpm-crm-2005": "templates/odpm-crm-2005.json",
    "blank": None,
}
DEFAULT_TEMPLATE = "odpm-crm-2005"


def load_template(name: str) -> dict[str, Any]:
    if name not in TEMPLATES:
        raise ValueError(f"Unknown template {name!r}; choose one of: {', '.join(TEMPLATES)}")
    relative = TEMPLATES[name]
    if relative is None:
        return {"template": "blank", "bid": {"title": "New bid"}}
    data: dict[str, Any] = json.loads(resource_path(relative).read_text(encoding="utf-8"))
    return data


def create_bid(path: Path, template: str = DEFAULT_TEMPLATE) -> BidFile:
    """Create a bid file at `path` filled from a template; the file must not exist yet."""
    data = load_template(template)
    bid = create_bid_file(path, title=str(data["bid"]["title"]))
    try:
        with bid.transaction() as session:
            fill_from_template(session, data)
    except Exception:
        bid.close()
        raise
    return bid


def fill_from_template(session: Session, data: dict[str, Any]) -> None:
    bid_row = session.query(Bid).one()
    for field, value in data["bid"].items():
        setattr(bid_row, field, value)
    bid_row.template_name = data.get("template", "blank")

    partners: list[Partner] = []
    for position, item in enumerate(data.get("partners", [])):
        partner = Partner(
            name=item["name"],
            council_type=item.get("council_type", ""),
            region=item.get("region", ""),
            role=item.get("role", "supporting"),
            status=item.get("status", "approached"),
            funding_share_bp=parse_percent(
                str(item.get("funding_share_pct", "0")), "a share of funding"
            ),
            notes=item.get("notes", ""),
            position=position,
        )
        partners.append(partner)
    session.add_all(partners)

    milestones: dict[str, Milestone] = {}
    for item in data.get("milestones", []):
        milestones[item["key"]] = Milestone(
            title=item["title"],
            due_on=date.fromisoformat(item["due_on"]),
            kind=item.get("kind", "internal"),
            external=bool(item.get("external", False)),
            notes=item.get("notes", ""),
            flag=item.get("flag", ""),
        )
    session.add_all(milestones.values())

    sections: list[Section] = []
    for position, item in enumerate(data.get("sections", [])):
        sections.append(
            Section(
                title=item["title"],
                guidance=item.get("guidance", ""),
                word_limit=item.get("word_limit"),
                position=position,
                is_appendix=bool(item.get("appendix", False)),
            )
        )
    session.add_all(sections)

    criteria_items = data.get("criteria", [])
    if criteria_items:
        # Weights are unknown until the department says: start equal, remainder on the first.
        share, remainder = divmod(10000, len(criteria_items))
        for position, item in enumerate(criteria_items):
            criterion = Criterion(
                title=item["title"],
                description=item.get("description", ""),
                weight_bp=share + (remainder if position == 0 else 0),
                position=position,
            )
            session.add(criterion)
            session.flush()
            for number in item.get("sections", []):
                session.add(
                    SectionCriterion(section_id=sections[number - 1].id, criterion_id=criterion.id)
                )

    session.flush()
    tasks: dict[str, Task] = {}
    for position, item in enumerate(data.get("tasks", [])):
        milestone = milestones.get(item.get("milestone", ""))
        section_number = item.get("section")
        task = Task(
            title=item["title"],
            description=item.get("description", ""),
            start_on=date.fromisoformat(item["start_on"]),
            due_on=date.fromisoformat(item["due_on"]),
            effort_days=int(item.get("effort_days", 1)),
            status=item.get("status", "not started"),
            priority=item.get("priority", "normal"),
            milestone=milestone,
            section_id=sections[section_number - 1].id if section_number else None,
            owner_partner=partners[0] if partners else None,
            position=position,
        )
        tasks[item["key"]] = task
    session.add_all(tasks.values())
    session.flush()
    for item in data.get("tasks", []):
        for predecessor in item.get("after", []):
            session.add(
                TaskDependency(
                    predecessor_id=tasks[predecessor].id, successor_id=tasks[item["key"]].id
                )
            )

    for item in data.get("products", []):
        session.add(
            Product(
                name=item["name"],
                category=item.get("category", "other"),
                description=item.get("description", ""),
                current_state=item.get("current_state", ""),
            )
        )
    for item in data.get("risks", []):
        session.add(
            Risk(
                description=item["description"],
                cause=item.get("cause", ""),
                likelihood=int(item.get("likelihood", 3)),
                impact=int(item.get("impact", 3)),
                mitigation=item.get("mitigation", ""),
            )
        )
