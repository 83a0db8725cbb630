"""Random edits across partners, tasks, sections and registers; undo all, redo all.

Undoing every recorded edit, newest first, must give back the database row for row as it was
before the first edit (uuids, time stamps and cascaded rows included); redoing them all must
give back the database as it was after the last. This is what Edit > Undo relies on.
"""

from __future__ import annotations

import contextlib
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, rule, run_state_machine_as_test
from sqlalchemy import select, text

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.bid_template import create_bid
from crmbid_desktop.services.bid.workspace import RecordedEdit, Workspace
from crmbid_desktop.services.registers import partners as partner_service
from crmbid_desktop.services.registers import planning, products, risks, section_saves
from crmbid_desktop.services.registers import sections as section_service
from crmbid_desktop.store.models import Partner, Product, Risk, Section, Task
from tests.helpers import partner_saves

#: What a refused edit raises (a service saying no is fine: nothing was written).
REFUSED = (ValueError, LookupError)

names = st.text(
    alphabet=st.characters(whitelist_categories=("Lu", "Ll", "Nd", "Zs")), min_size=1, max_size=24
).filter(lambda s: s.strip() != "")
picks = st.integers(min_value=0, max_value=10_000)


def snapshot(workspace: Workspace) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table but the change log (which records the undo itself), without
    row versions."""
    with workspace.reading() as session:
        tables = [
            str(row[0])
            for row in session.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite%'"
                )
            )
        ]
        # Row versions are left out: an undo is a change too, so it moves them on, not back.
        return {
            table: [
                tuple(value for key, value in row._mapping.items() if key != "row_version")
                for row in session.execute(text(f'SELECT rowid, * FROM "{table}" ORDER BY rowid'))
            ]
            for table in sorted(tables)
            if table not in {"change_log", "alembic_version"}
        }


class EditsThenUndo(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        root = Path(self.folder.name)
        path = root / "bid.crmbid"
        create_bid(path).close()
        self.workspace = open_workspace(path, AppPaths.under(root / "home").ensure())
        self.edits: list[RecordedEdit] = []
        self.workspace.on_recorded(self.edits.append)
        self.start = snapshot(self.workspace)

    def _ids(self, model: type) -> list[int]:
        with self.workspace.reading() as session:
            return list(session.scalars(select(model.id).order_by(model.id)))  # type: ignore[attr-defined]

    def _pick(self, model: type, index: int) -> int | None:
        ids = self._ids(model)
        return ids[index % len(ids)] if ids else None

    # -- partners ---------------------------------------------------------------------------
    @rule(index=picks, name=names)
    def rename_partner(self, index: int, name: str) -> None:
        partner_id = self._pick(Partner, index)
        if partner_id is None:
            return
        detail = partner_service.partner_detail(self.workspace, partner_id)
        fields = partner_service.PartnerFields(**{**detail.row.fields.__dict__, "name": name})
        with contextlib.suppress(*REFUSED):
            partner_saves.save_partner(self.workspace, partner_id, fields, detail.contacts)

    @rule(name=names)
    def add_partner(self, name: str) -> None:
        with contextlib.suppress(*REFUSED):
            partner_service.add_partner(self.workspace, partner_service.PartnerFields(name))

    @rule(index=picks)
    def delete_partner(self, index: int) -> None:
        partner_id = self._pick(Partner, index)
        if partner_id is not None:
            partner_service.delete_partner(self.workspace, partner_id)

    # -- tasks ------------------------------------------------------------------------------
    @rule(title=names, effort=st.integers(min_value=1, max_value=9), index=picks)
    def add_task(self, title: str, effort: int, index: int) -> None:
        before = self._pick(Task, index)
        data = planning.TaskInput(
            title,
            start_on=date(2005, 8, 1),
            effort_days=effort,
            predecessor_ids=(before,) if before is not None else (),
        )
        with contextlib.suppress(*REFUSED):
            planning.add_task(self.workspace, data)

    @rule(index=picks, days=st.integers(min_value=-5, max_value=5))
    def move_task(self, index: int, days: int) -> None:
        task_id = self._pick(Task, index)
        if task_id is not None and days:
            with contextlib.suppress(*REFUSED):
                planning.reschedule_task(self.workspace, task_id, days)

    @rule(index=picks)
    def delete_task(self, index: int) -> None:
        task_id = self._pick(Task, index)
        if task_id is not None:
            planning.delete_task(self.workspace, task_id)

    # -- sections ---------------------------------------------------------------------------
    @rule(index=picks, body=st.text(max_size=200))
    def type_text(self, index: int, body: str) -> None:
        section_id = self._pick(Section, index)
        if section_id is not None:
            section_service.save_body(self.workspace, section_id, body)

    @rule(index=picks, title=names)
    def retitle_section(self, index: int, title: str) -> None:
        section_id = self._pick(Section, index)
        if section_id is not None:
            with contextlib.suppress(*REFUSED):
                section_saves.save_details(
                    self.workspace,
                    section_id,
                    section_saves.load_details(self.workspace, section_id),
                    title=title,
                )

    @rule(index=picks, step=st.sampled_from([-1, 1]))
    def shift_section(self, index: int, step: int) -> None:
        section_id = self._pick(Section, index)
        if section_id is not None:
            with contextlib.suppress(*REFUSED):
                section_service.shift_section(self.workspace, section_id, step)

    @rule(index=picks, words=names)
    def comment(self, index: int, words: str) -> None:
        section_id = self._pick(Section, index)
        if section_id is not None:
            section_service.add_comment(self.workspace, section_id, words)

    @rule(index=picks)
    def delete_section(self, index: int) -> None:
        section_id = self._pick(Section, index)
        if section_id is not None:
            section_service.delete_section(self.workspace, section_id)

    # -- registers --------------------------------------------------------------------------
    @rule(name=names, cost=st.integers(min_value=0, max_value=10**7))
    def add_product(self, name: str, cost: int) -> None:
        with contextlib.suppress(*REFUSED):
            products.PRODUCTS.add(
                self.workspace, products.ProductFields(name, yearly_cost_pence=cost)
            )

    @rule(index=picks)
    def delete_product(self, index: int) -> None:
        product_id = self._pick(Product, index)
        if product_id is not None:
            products.PRODUCTS.delete(self.workspace, product_id)

    @rule(
        index=picks,
        likelihood=st.integers(min_value=1, max_value=5),
        impact=st.integers(min_value=1, max_value=5),
    )
    def rescore_risk(self, index: int, likelihood: int, impact: int) -> None:
        risk_id = self._pick(Risk, index)
        if risk_id is None:
            risks.RISKS.add(self.workspace, risks.RiskFields("A new risk", likelihood=likelihood))
            return
        row = next(r for r in risks.RISKS.rows(self.workspace) if r.id == risk_id)
        fields = risks.RiskFields(
            **{**row.fields.__dict__, "likelihood": likelihood, "impact": impact}
        )
        with contextlib.suppress(*REFUSED):
            risks.RISKS.update(self.workspace, risk_id, fields)

    def teardown(self) -> None:
        try:
            end = snapshot(self.workspace)
            redo: list[RecordedEdit] = []
            for edit in reversed(self.edits):
                redo.append(self.workspace.take_back(edit))
            assert snapshot(self.workspace) == self.start
            for edit in reversed(redo):
                self.workspace.take_back(edit, "Redid")
            assert snapshot(self.workspace) == end
        finally:
            self.workspace.close()
            self.folder.cleanup()


def test_undo_all_gives_the_start_and_redo_all_gives_the_end() -> None:
    run_state_machine_as_test(
        EditsThenUndo,
        settings=settings(
            max_examples=12,
            stateful_step_count=14,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
