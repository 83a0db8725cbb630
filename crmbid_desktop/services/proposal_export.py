"""The Word proposal and expression of interest built from an open bid: content, preflight, export.

The command line exports as asked: it prints the preflight problems as warnings and marks the
pages DRAFT only when --draft is given, so scripted exports stay predictable. The Export page asks
the user before a final export with problems and offers a draft instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crmbid_desktop.domain import preflight as rules
from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.services import file_formats, queries
from crmbid_desktop.services.file_formats import ExportOptions, ExportResult, Handler
from crmbid_desktop.services.proposal_content import (
    ODPM,
    BudgetLineRow,
    BudgetTable,
    CriterionRow,
    EoiContent,
    LetterRow,
    PartnerRow,
    ProductRow,
    ProposalContent,
    RiskRow,
    SectionContent,
    TimetableRow,
)
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.models import (
    Attachment,
    Bid,
    Criterion,
    Milestone,
    Partner,
    Product,
    Risk,
    SectionCriterion,
    Task,
)

PROPOSAL = "proposal"
EOI = "eoi"
DOCUMENTS = {PROPOSAL: "Proposal", EOI: "Expression of interest"}
TEMPLATE_SUFFIXES = (".docx", ".dotx", ".docm", ".dotm")
LETTER_OF_SUPPORT = "letter of support"
_ROLE_NAMES = {"lead": "Lead", "joint": "Joint partner", "supporting": "Supporting"}
_LEVELS = {1: "Very low", 2: "Low", 3: "Medium", 4: "High", 5: "Very high"}
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

Progress = Callable[[int, int], None]


class TemplateError(ValueError):
    """The council template chosen cannot be used; the message names the file and why."""


# -- reading the bid -------------------------------------------------------------------------


def _bid(session: Session) -> Bid:
    return session.scalars(select(Bid)).one()


def _active_partners(session: Session) -> list[Partner]:
    return [p for p in queries.partners(session) if not rules.is_withdrawn(p.status)]


def _lead_and_joint(session: Session) -> tuple[str, list[str]]:
    partners = _active_partners(session)
    lead = next((p for p in partners if p.role.strip().lower() == "lead"), None)
    if lead is None and partners:
        lead = partners[0]  # no lead chosen yet: the first council in the list leads the cover
    joint = [p.name for p in partners if p is not lead]
    return (lead.name if lead else ""), joint


def _role(role: str) -> str:
    return _ROLE_NAMES.get(role.strip().lower(), role.strip().capitalize())


def _level(value: int) -> str:
    return f"{_LEVELS.get(value, str(value))} ({value})"


def _sections(session: Session) -> list[SectionContent]:
    rows = queries.section_rows(session)
    sections: list[SectionContent] = []
    appendix_depth: int | None = None  # a section inside an appendix is printed as one too
    for row in rows:
        if appendix_depth is not None and row.depth <= appendix_depth:
            appendix_depth = None
        if appendix_depth is None and row.number == "":
            appendix_depth = row.depth
        appendix = appendix_depth is not None
        level = 1 if appendix else min(row.depth, 3)
        sections.append(SectionContent(row.number, row.title, level, row.body, appendix))
    return sections


def _where_addressed(session: Session) -> dict[int, str]:
    numbers = {row.id: row.number or row.title for row in queries.section_rows(session)}
    notes: dict[int, list[tuple[tuple[int, ...], str]]] = {}
    for link in session.scalars(select(SectionCriterion)):
        number = numbers.get(link.section_id)
        if number is None:
            continue
        text = f"{number} ({link.note.strip()})" if link.note.strip() else number
        notes.setdefault(link.criterion_id, []).append((_number_key(number), text))
    result = {}
    for criterion_id, found in notes.items():
        parts = [text for _key, text in sorted(found)]
        result[criterion_id] = ("Section " if len(parts) == 1 else "Sections ") + ", ".join(parts)
    return result


def _number_key(number: str) -> tuple[int, ...]:
    try:
        return tuple(int(part) for part in number.split("."))
    except ValueError:
        return (10**6,)


def _criteria(session: Session) -> list[CriterionRow]:
    where = _where_addressed(session)
    return [
        CriterionRow(c.title, queries.format_bp(c.weight_bp), where.get(c.id, "Not yet addressed"))
        for c in session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id))
    ]


def is_key_task(task: Task) -> bool:
    """Key tasks go in the proposal's timetable: high priority, or leading to an external date."""
    external = task.milestone is not None and task.milestone.external
    return task.priority.strip().lower() == "high" or external


def _timetable(session: Session) -> list[TimetableRow]:
    # Sorted by date; on one day the tasks come before the deadline they lead to.
    dated: list[tuple[tuple[date, int, int], TimetableRow]] = []
    undated: list[TimetableRow] = []
    for milestone in queries.milestones(session):
        when = format_date(milestone.due_on)
        if milestone.due_time is not None:
            when += f" {milestone.due_time.hour:02d}:{milestone.due_time.minute:02d}"
        owner = "ODPM" if milestone.external else ""
        row = TimetableRow(when, milestone.title, owner, milestone=True)
        dated.append(((milestone.due_on, 1, milestone.id), row))
    tasks = session.scalars(
        select(Task)
        .options(selectinload(Task.milestone), selectinload(Task.owner_partner))
        .order_by(Task.due_on, Task.position, Task.id)
    )
    for task in tasks:
        if not is_key_task(task):
            continue
        owner = task.owner_person or (task.owner_partner.name if task.owner_partner else "")
        if task.due_on is None:
            undated.append(TimetableRow("Date to be set", task.title, owner))
        else:
            row = TimetableRow(format_date(task.due_on), task.title, owner)
            dated.append(((task.due_on, 0, task.position * 1_000_000 + task.id), row))
    dated.sort(key=lambda pair: pair[0])
    return [row for _key, row in dated] + undated


def _partners(session: Session) -> list[PartnerRow]:
    return [
        PartnerRow(
            p.name,
            _role(p.role),
            p.status.strip().capitalize(),
            queries.format_pence(p.contribution_pence),
            queries.format_bp(p.funding_share_bp),
            p.signatory,
            queries.optional_date(p.signed_on),
        )
        for p in _active_partners(session)
    ]


def _products(session: Session) -> list[ProductRow]:
    owners = {p.id: p.name for p in queries.partners(session)}
    rows = []
    for product in session.scalars(select(Product).order_by(Product.name, Product.id)):
        notes = product.decision_reason or product.current_state
        rows.append(
            ProductRow(
                product.name,
                product.decision.capitalize() or "Not decided",
                owners.get(product.owner_partner_id or 0, ""),
                notes,
            )
        )
    return rows


def _risks(session: Session) -> list[RiskRow]:
    risks = session.scalars(select(Risk).order_by(Risk.id))
    return [
        RiskRow(r.description, _level(r.likelihood), _level(r.impact), r.mitigation, r.owner)
        for r in risks
    ]


def _letters(session: Session) -> list[LetterRow]:
    attachments = session.scalars(
        select(Attachment)
        .options(selectinload(Attachment.partner).selectinload(Partner.contacts))
        .order_by(Attachment.received_on, Attachment.id)
    )
    rows = []
    for letter in attachments:
        if letter.kind.strip().lower() != LETTER_OF_SUPPORT:
            continue
        partner = letter.partner
        organisation = partner.name if partner else Path(letter.filename).stem
        signatory = partner.signatory if partner else ""
        rows.append(LetterRow(organisation, signatory, queries.optional_date(letter.received_on)))
    return rows


def _contact(bid: Bid) -> str:
    parts = (bid.contact_name, bid.contact_title, bid.contact_email, bid.contact_phone)
    return ", ".join(part.strip() for part in parts if part.strip())


def _funding_body(bid: Bid) -> str:
    body = bid.funding_body.strip()
    # The template says "Office of the Deputy Prime Minister (ODPM)": the cover already names it.
    return ODPM if not body or body.startswith(ODPM) else body


HeatMapRenderer = Callable[[dict[tuple[int, int], int]], bytes]


def _budget(session: Session) -> BudgetTable | None:
    from crmbid_desktop.services.budget import budget_print_rows

    headers, rows = budget_print_rows(session)
    # A budget of nothing but £0.00 lines says nothing: leave it out until amounts are entered.
    amounts = [cell for row in rows if row.style == "line" for cell in row.cells[1:]]
    if all(cell in ("", "£0.00") for cell in amounts):
        return None
    return BudgetTable(headers, [BudgetLineRow(list(row.cells), row.style) for row in rows])


def _heat_map_png(session: Session, renderer: HeatMapRenderer | None) -> bytes | None:
    if renderer is None:
        return None
    from crmbid_desktop.services.risks import heat_map, risk_rows

    counts = heat_map(risk_rows(session))
    return renderer(counts) if counts else None


def proposal_content(
    workspace: Workspace,
    *,
    today: date | None = None,
    draft: bool = False,
    heat_map_renderer: HeatMapRenderer | None = None,
) -> ProposalContent:
    """Everything the proposal prints, read from the bid in one transaction."""
    when = today or date.today()
    with workspace.reading() as session:
        bid = _bid(session)
        lead, joint = _lead_and_joint(session)
        return ProposalContent(
            title=bid.title,
            reference=bid.reference,
            lead_council=lead,
            joint_partners=joint,
            date=when,
            version=bid.version_label,
            contact=_contact(bid),
            funding_body=_funding_body(bid),
            protective_marking=bid.protective_marking,
            draft=draft,
            sections=_sections(session),
            partners=_partners(session),
            timetable=_timetable(session),
            criteria=_criteria(session),
            products=_products(session),
            risks=_risks(session),
            letters_of_support=_letters(session),
            author=workspace.user,
            company=lead,
            budget=_budget(session),
            risk_heat_map_png=_heat_map_png(session, heat_map_renderer),
        )


def eoi_content(
    workspace: Workspace, *, today: date | None = None, draft: bool = False
) -> EoiContent:
    """The expression-of-interest letter's facts: lead council, partners, the named contact."""
    when = today or date.today()
    with workspace.reading() as session:
        bid = _bid(session)
        lead, joint = _lead_and_joint(session)
        return EoiContent(
            lead_council=lead,
            bid_title=bid.title,
            date=when,
            contact_name=bid.contact_name,
            contact_title=bid.contact_title,
            contact_email=bid.contact_email,
            contact_phone=bid.contact_phone,
            joint_partners=joint,
            author=workspace.user,
            company=lead,
            draft=draft,
        )


# -- preflight -------------------------------------------------------------------------------


def preflight(workspace: Workspace, *, today: date | None = None) -> list[PreflightItem]:
    """The problems to fix before a final proposal; see domain/preflight.py for the rules."""
    from crmbid_desktop.domain.wordcount import count_words  # markdown-it: not at start-up

    when = today or date.today()
    with workspace.reading() as session:
        bid = _bid(session)
        include_tables = bool(bid.count_table_words)
        sections = [
            rules.SectionFacts(
                row.number,
                row.title,
                row.status,
                row.word_limit,
                count_words(row.body, include_tables=include_tables) if row.word_limit else 0,
            )
            for row in queries.section_rows(session)
        ]
        linked: dict[int, int] = {}
        for link in session.scalars(select(SectionCriterion)):
            linked[link.criterion_id] = linked.get(link.criterion_id, 0) + 1
        criteria = [
            rules.CriterionFacts(c.title, linked.get(c.id, 0))
            for c in session.scalars(select(Criterion).order_by(Criterion.position, Criterion.id))
        ]
        partners = [
            rules.PartnerFacts(p.name, p.status, p.signed_on) for p in queries.partners(session)
        ]
        open_tasks: dict[int, list[str]] = {}
        for task in session.scalars(select(Task).order_by(Task.due_on, Task.position, Task.id)):
            if task.milestone_id is not None and not rules.is_done(task.status):
                open_tasks.setdefault(task.milestone_id, []).append(task.title)
        milestones = [
            rules.MilestoneFacts(
                m.title, m.due_on, m.external, m.kind, tuple(open_tasks.get(m.id, ()))
            )
            for m in session.scalars(select(Milestone).order_by(Milestone.due_on, Milestone.id))
        ]
    return rules.check(
        sections=sections, criteria=criteria, partners=partners, milestones=milestones, today=when
    )


# -- files -----------------------------------------------------------------------------------


def default_file_name(title: str, document: str = PROPOSAL) -> str:
    """'<bid title> proposal.docx', with characters Windows refuses in names removed."""
    words = "proposal" if document == PROPOSAL else "expression of interest"
    cleaned = " ".join(_NOT_IN_FILE_NAMES.sub(" ", title).split()).strip(" .")
    return f"{cleaned[:120] or 'Bid'} {words}.docx"


def alternative_name(target: Path) -> Path:
    """The first free 'proposal (2).docx', 'proposal (3).docx'... beside `target`."""
    stem = re.sub(r" \(\d+\)$", "", target.stem)
    for n in range(2, 1000):
        candidate = target.with_name(f"{stem} ({n}){target.suffix}")
        if not candidate.exists():
            return candidate
    raise ExportError(f"Cannot find a free file name beside {target}.")


class ExportError(ValueError):
    """The export cannot start; the message says what to change."""


def check_template(template: Path) -> None:
    """Refuse a council template that Word could not open, naming the file and the reason."""
    from crmbid_desktop.services.docx_package import load_document

    name = template.name
    if template.suffix.lower() not in TEMPLATE_SUFFIXES:
        raise TemplateError(
            f"The template “{name}” is not a Word document or template: choose a .docx or .dotx "
            "file."
        )
    if not template.is_file():
        raise TemplateError(f"The template “{template}” does not exist.")
    if not zipfile.is_zipfile(template):
        raise TemplateError(
            f"The template “{name}” is damaged or not really a Word file (it is not a zip "
            "package). Open it in Word and save it again as .docx or .dotx."
        )
    from crmbid_desktop.services.zip_safety import UnsafeFileError

    try:
        load_document(template)
    except UnsafeFileError as error:
        raise TemplateError(
            f"The template “{name}” cannot be used: {error.reason} Choose another template, or "
            "open it in Word and save it again."
        ) from error
    except Exception as error:  # python-docx and lxml raise many kinds for a bad package
        raise TemplateError(
            f"The template “{name}” cannot be read as a Word document ({type(error).__name__}: "
            f"{error}). Open it in Word and save it again as .docx or .dotx."
        ) from error


def check_target(target: Path) -> None:
    from crmbid_desktop.services.atomic_files import PathTooLongError, check_path_length

    try:
        check_path_length(target)
    except PathTooLongError as error:
        raise ExportError(str(error)) from error
    if target.suffix.lower() != ".docx":
        raise ExportError(f"“{target.name}” must end in .docx to be written as a Word document.")
    if not target.parent.is_dir():
        raise ExportError(
            f"Cannot save “{target.name}”: the folder {target.parent} does not exist."
        )
    if target.is_dir():
        raise ExportError(f"Cannot save over {target}: it is a folder.")


@dataclass(frozen=True)
class PreparedExport:
    """A checked export whose content is read from the bid; `write` may run off the GUI thread."""

    document: str
    content: ProposalContent | EoiContent
    target: Path
    template: Path | None
    problems: tuple[PreflightItem, ...]

    def write(self, progress: Progress | None = None) -> ExportResult:
        from crmbid_desktop.services import docx_export

        if isinstance(self.content, ProposalContent):
            docx_export.write_proposal(
                self.content, self.target, template=self.template, progress=progress
            )
            summary = (
                f"Wrote the proposal ({len(self.content.sections)} sections"
                f"{', marked DRAFT' if self.content.draft else ''}) to {self.target}"
            )
        else:
            docx_export.write_eoi(self.content, self.target, template=self.template)
            if progress is not None:
                progress(1, 1)
            summary = (
                f"Wrote the expression of interest"
                f"{' (marked DRAFT)' if self.content.draft else ''} to {self.target}"
            )
        warnings = tuple(f"{item.kind}: {item.message}" for item in self.problems)
        return ExportResult(self.target, summary, warnings)


def prepare_export(
    workspace: Workspace,
    target: Path,
    *,
    document: str = PROPOSAL,
    template: Path | None = None,
    draft: bool = False,
    today: date | None = None,
    heat_map_renderer: HeatMapRenderer | None = None,
) -> PreparedExport:
    """Check the target and template and read the content; fast, so the GUI thread may call it."""
    if document not in DOCUMENTS:
        raise ExportError(f"Unknown document {document!r}: choose {', '.join(DOCUMENTS)}.")
    target = Path(target)
    check_target(target)
    if template is not None:
        check_template(Path(template))
    when = today or date.today()
    content: ProposalContent | EoiContent
    if document == PROPOSAL:
        content = proposal_content(
            workspace, today=when, draft=draft, heat_map_renderer=heat_map_renderer
        )
        problems = tuple(preflight(workspace, today=when))
    else:
        content = eoi_content(workspace, today=when, draft=draft)
        problems = ()
    return PreparedExport(document, content, target, template, problems)


def export(
    workspace: Workspace,
    target: Path,
    options: ExportOptions,
    *,
    document: str = PROPOSAL,
    today: date | None = None,
) -> ExportResult:
    """Prepare and write in one go, for the command line."""
    prepared = prepare_export(
        workspace,
        target,
        document=document,
        template=options.template,
        draft=options.draft,
        today=today,
        heat_map_renderer=options.heat_map_renderer,
    )
    return prepared.write(options.progress)


def _export_proposal(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    return export(workspace, target, options, document=PROPOSAL)


def _export_eoi(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    return export(workspace, target, options, document=EOI)


# The proposal registers first so that it is the fallback for any .docx name.
file_formats.register_exporter(
    Handler(".docx", PROPOSAL, "Word proposal", _export_proposal, name_hints=("proposal",))
)
file_formats.register_exporter(
    Handler(
        ".docx",
        EOI,
        "Word expression-of-interest letter",
        _export_eoi,
        name_hints=("eoi", "expression"),
    )
)
