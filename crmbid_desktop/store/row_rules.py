"""The fixed choices some columns may hold, checked row by row when a bid file is trusted.

Each set comes from the domain rule that the editing services enforce, so a file can only hold
what the program itself would have written.
"""

from __future__ import annotations

from crmbid_desktop.domain import (
    partner_rules,
    product_rules,
    risk_rules,
    section_workflow,
    task_rules,
)
from crmbid_desktop.domain.budget_rules import COST, INCOME

_COUNCIL_TYPES: tuple[object, ...] = ("", *partner_rules.COUNCIL_TYPES)
_ROLES: tuple[object, ...] = tuple(partner_rules.ROLES)
_PARTNER_STATUSES: tuple[object, ...] = tuple(partner_rules.STATUSES)
_SECTION_STATUSES: tuple[object, ...] = tuple(section_workflow.STATUSES)
_CATEGORIES: tuple[object, ...] = tuple(product_rules.CATEGORIES)
_DECISIONS: tuple[object, ...] = tuple(product_rules.DECISIONS)
_RISK_STATUSES: tuple[object, ...] = tuple(risk_rules.RISK_STATUSES)
_LEVELS: tuple[object, ...] = tuple(risk_rules.LEVELS)
_BUDGET_KINDS: tuple[object, ...] = (INCOME, COST)
_TASK_STATUSES: tuple[object, ...] = tuple(task_rules.TASK_STATUSES)
_TASK_PRIORITIES: tuple[object, ...] = tuple(task_rules.TASK_PRIORITIES)
_MILESTONE_KINDS: tuple[object, ...] = tuple(task_rules.MILESTONE_KINDS)

#: (table, column) -> the values it may hold.
CHOICES: dict[tuple[str, str], tuple[object, ...]] = {
    ("partner", "council_type"): _COUNCIL_TYPES,
    ("partner", "role"): _ROLES,
    ("partner", "status"): _PARTNER_STATUSES,
    ("section", "status"): _SECTION_STATUSES,
    ("product", "category"): _CATEGORIES,
    ("product", "decision"): _DECISIONS,
    ("risk", "status"): _RISK_STATUSES,
    ("risk", "likelihood"): _LEVELS,
    ("risk", "impact"): _LEVELS,
    ("budget_line", "kind"): _BUDGET_KINDS,
    ("task", "status"): _TASK_STATUSES,
    ("task", "priority"): _TASK_PRIORITIES,
    ("milestone", "kind"): _MILESTONE_KINDS,
}

#: How a report names each set of choices.
NAMES: dict[tuple[object, ...], str] = {
    _COUNCIL_TYPES: "the council types",
    _ROLES: "the partner roles (" + ", ".join(partner_rules.ROLES) + ")",
    _PARTNER_STATUSES: "the partner statuses",
    _SECTION_STATUSES: "the section statuses (" + ", ".join(section_workflow.STATUSES) + ")",
    _CATEGORIES: "the product categories",
    _DECISIONS: "the product decisions",
    _RISK_STATUSES: "the risk statuses",
    _LEVELS: "the levels 1 to 5",
    _BUDGET_KINDS: "income or cost",
    _TASK_STATUSES: "the task statuses (" + ", ".join(task_rules.TASK_STATUSES) + ")",
    _TASK_PRIORITIES: "the task priorities (" + ", ".join(task_rules.TASK_PRIORITIES) + ")",
    _MILESTONE_KINDS: "the milestone kinds (" + ", ".join(task_rules.MILESTONE_KINDS) + ")",
}
