"""The Word proposal and expression of interest built from an open bid: content, preflight, export.

A final export with preflight problems is refused on the command line (every problem is printed
with where to fix it, nothing is written) unless --draft is given; the Export page asks the user
and offers a draft instead.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from crmbid_desktop.domain.dates import format_date, optional_date
from crmbid_desktop.domain.money import format_money
from crmbid_desktop.domain.percentages import format_percent
from crmbid_desktop.domain.preflight import PreflightItem
from crmbid_desktop.domain.risk_rules import IMPACT_LABELS, LIKELIHOOD_LABELS
from crmbid_desktop.services.bid import queries
from crmbid_desktop.services.bid.file_io import ExportOptions, ExportResult
from crmbid_desktop.services.bid.preflight import EOI as EOI
from crmbid_desktop.services.bid.preflight import PROPOSAL as PROPOSAL
from crmbid_desktop.services.bid.preflight import (
    active_partners,
    lead_partner,
    signatory_title,
    the_bid,
)
from crmbid_desktop.services.bid.preflight import document_preflight as document_preflight
from crmbid_desktop.services.bid.preflight_facts import LETTER_OF_SUPPORT
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.word.proposal_content import (
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
from crmbid_desktop.store.models import (
    Attachment,
    Bid,
    Criterion,
    Partner,
    Product,
    Risk,
    Section,
    SectionCriterion,
    Task,
)

# EOI, PROPOSAL and document_preflight are imported "as" themselves: the Export page reaches
# them through this module, the one it drives.
DOCUMENTS = {PROPOSAL: "Proposal", EOI: "Expression of interest"}
TEMPLATE_SUFFIXES = (".docx", ".dotx", ".docm", ".dotm")
_ROLE_NAMES = {"lead": "Lead", "joint": "Joint partner", "supporting": "Supporting"}
#: Words in a milestone's title that mark the expression-of-interest deadline.
_EOI_WORDS = ("expression of interest", "expressions of interest")
_NOT_IN_FILE_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f]')

Progress = Callable[[int, int], None]


class TemplateError(ValueError):
    """The council template chosen cannot be used; the message names the file and why."""


# -- reading the bid -------------------------------------------------------------------------


def _lead_and_joint(session: Session) -> tuple[str, list[str]]:
    lead = lead_partner(session)
    joint = [p.name for p in active_partners(session) if p is not lead and p.name.strip()]
    return (lead.name if lead else ""), joint


def _role(role: str) -> str:
    return _ROLE_NAMES.get(role.strip().lower(), role.strip().capitalize())


def _likelihood(value: int) -> str:
    # The same names as the heat map's axes (domain/risk_rules), so each scale has one name.
    return f"{LIKELIHOOD_LABELS.get(value, str(value)).capitalize()} ({value})"


def _impact(value: int) -> str:
    return f"{IMPACT_LABELS.get(value, str(value)).capitalize()} ({value})"


def _sections(session: Session) -> list[SectionContent]:
    rows = queries.section_rows(session)
    guidance = {
        row.id: row.guidance for row in session.execute(select(Section.id, Section.guidance))
    }
    parents = {
        parent for parent in session.scalars(select(Section.parent_id)) if parent is not None
    }
    sections: list[SectionContent] = []
    appendix_depth: int | None = None  # a section inside an appendix is printed as one too
    for row in rows:
        if appendix_depth is not None and row.depth <= appendix_depth:
            appendix_depth = None
        if appendix_depth is None and row.number == "":
            appendix_depth = row.depth
        appendix = appendix_depth is not None
        level = 1 if appendix else min(row.depth, 3)
        sections.append(
            SectionContent(
                row.number,
                row.title,
                level,
                row.body,
                appendix,
                guidance=guidance.get(row.id, "") or "",
                has_subsections=row.id in parents,
            )
        )
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
        CriterionRow(c.title, format_percent(c.weight_bp), where.get(c.id, "Not yet addressed"))
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


def _partners(session: Session, whole_pounds: bool) -> list[PartnerRow]:
    # A council without a name is a row nobody could read: it is left out (preflight has the
    # partner page for that), and unsigned councils say so rather than leaving blank cells.
    return [
        PartnerRow(
            p.name.strip(),
            _role(p.role),
            p.status.strip().capitalize() or "Not recorded",
            format_money(p.contribution_pence, whole_pounds=whole_pounds),
            format_percent(p.funding_share_bp),
            p.signatory.strip() or ("Not yet" if p.signed_on is None else "Not recorded"),
            optional_date(p.signed_on) or "Not yet",
        )
        for p in active_partners(session)
        if p.name.strip()
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
        RiskRow(r.description, _likelihood(r.likelihood), _impact(r.impact), r.mitigation, r.owner)
        for r in risks
        if r.description.strip()
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
        rows.append(LetterRow(organisation, signatory, optional_date(letter.received_on)))
    return rows


def _contact(bid: Bid) -> str:
    # A job title alone ("Bid manager") names nobody: no name, no contact line (preflight asks).
    if not bid.contact_name.strip():
        return ""
    parts = (bid.contact_name, bid.contact_title, bid.contact_email, bid.contact_phone)
    return ", ".join(part.strip() for part in parts if part.strip())


def _funding_body(bid: Bid) -> str:
    body = bid.funding_body.strip()
    # The template says "Office of the Deputy Prime Minister (ODPM)": the cover already names it.
    return ODPM if not body or body.startswith(ODPM) else body


HeatMapRenderer = Callable[[dict[tuple[int, int], int]], bytes]


def _budget(session: Session, whole_pounds: bool) -> BudgetTable | None:
    from crmbid_desktop.services.registers.budget import BudgetRow, budget_table

    table = budget_table(session)
    lines = [*table.income, *table.costs]
    # A budget of nothing but zero lines says nothing: leave it out until amounts are entered.
    if not any(line.amount(year) for line in lines for year in table.years):
        return None

    def money(pence: int) -> str:
        return format_money(pence, whole_pounds=whole_pounds)

    rows: list[BudgetLineRow] = []

    def block(title: str, block_lines: list[BudgetRow], totals: list[int], label: str) -> None:
        rows.append(BudgetLineRow([title] + [""] * len(table.years), "heading"))
        for line in block_lines:
            name = f"{line.label} (from the {line.drawn_from})" if line.drawn_from else line.label
            rows.append(BudgetLineRow([name] + [money(line.amount(y)) for y in table.years]))
        rows.append(BudgetLineRow([label] + [money(t) for t in totals], "total"))

    block("Income", table.income, [t.income_pence for t in table.totals], "Total income")
    block("Costs", table.costs, [t.cost_pence for t in table.totals], "Total costs")

    def balance(pence: int) -> str:
        # In words as well as figures, so it reads right printed in black and white.
        if pence == 0:
            return f"{money(0)} (even)"
        return f"{money(abs(pence))} {'surplus' if pence > 0 else 'gap'}"

    rows.append(
        BudgetLineRow(
            ["Surplus or gap"] + [balance(t.balance_pence) for t in table.totals], "balance"
        )
    )
    unit = "£" if whole_pounds else "£, to the penny"
    return BudgetTable([f"Budget line ({unit})", *table.year_labels], rows)


def _heat_map_png(session: Session, renderer: HeatMapRenderer | None) -> bytes | None:
    if renderer is None:
        return None
    from crmbid_desktop.services.registers.risks import RISKS, heat_map

    counts = heat_map(RISKS.read_rows(session))
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
        bid = the_bid(session)
        lead, joint = _lead_and_joint(session)
        whole = bool(bid.money_whole_pounds)
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
            partners=_partners(session, whole),
            timetable=_timetable(session),
            criteria=_criteria(session),
            products=_products(session),
            risks=_risks(session),
            letters_of_support=_letters(session),
            author=workspace.user,
            company=lead,
            budget=_budget(session, whole),
            risk_heat_map_png=_heat_map_png(session, heat_map_renderer),
            use_template_header_footer=bool(bid.use_template_header_footer),
            money_whole_pounds=whole,
        )


def default_letter_date(session: Session, today: date) -> date:
    """The last working day before the expression-of-interest deadline while that is still
    ahead, otherwise `today`; the team can set another in Bid details."""
    from crmbid_desktop.domain.working_days import WorkingCalendar

    for milestone in queries.milestones(session):
        title = milestone.title.lower()
        if any(words in title for words in _EOI_WORDS):
            day_before = WorkingCalendar().add_working_days(milestone.due_on, -1)
            return day_before if day_before >= today else today
    return today


def _address_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def eoi_content(
    workspace: Workspace, *, today: date | None = None, draft: bool = False
) -> EoiContent:
    """The expression-of-interest letter's facts: recipient, partners, contact and signatory."""
    when = today or date.today()
    with workspace.reading() as session:
        bid = the_bid(session)
        leader = lead_partner(session)
        lead, joint = _lead_and_joint(session)
        return EoiContent(
            lead_council=lead,
            bid_title=bid.title,
            date=bid.letter_date or default_letter_date(session, when),
            contact_name=bid.contact_name.strip(),
            contact_title=bid.contact_title.strip(),
            contact_email=bid.contact_email.strip(),
            contact_phone=bid.contact_phone.strip(),
            joint_partners=joint,
            recipient_name=bid.letter_recipient_name.strip(),
            recipient_title=bid.letter_recipient_title.strip(),
            recipient_address=_address_lines(bid.letter_recipient_address),
            signatory=leader.signatory.strip() if leader else "",
            signatory_title=signatory_title(leader),
            reference=bid.reference.strip(),
            author=workspace.user,
            company=lead,
            draft=draft,
            use_template_header_footer=bool(bid.use_template_header_footer),
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


class FinalExportRefused(ExportError):
    """A final (non-draft) export asked for while preflight lists problems; nothing is written."""

    def __init__(self, document: str, problems: tuple[PreflightItem, ...]) -> None:
        count = len(problems)
        super().__init__(
            f"The {DOCUMENTS[document].lower()} has {count} preflight problem"
            f"{'s' if count != 1 else ''}, so no final version was written. Fix them, or export "
            "a draft (--draft) with DRAFT on every page."
        )
        self.problems = problems


def check_template(template: Path) -> None:
    """Refuse a council template that Word could not open, naming the file and the reason."""
    from crmbid_desktop.services.word.docx_package import load_document

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
    from crmbid_desktop.services.bid.zip_safety import UnsafeFileError

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
    from crmbid_desktop.services.bid.atomic_files import PathTooLongError, check_path_length

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
        from crmbid_desktop.services.word import docx_export

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
        warnings = tuple(item.line() for item in self.problems)
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
    problems: Sequence[PreflightItem] | None = None,
    refuse_problems: bool = False,
) -> PreparedExport:
    """Check the target and template and read the content; fast, so the GUI thread may call it.

    `problems` is the preflight list the caller already has (the Export page shows it), so the
    bid is not checked twice; with `refuse_problems` a final export with problems raises
    `FinalExportRefused` before anything is written.
    """
    if document not in DOCUMENTS:
        raise ExportError(f"Unknown document {document!r}: choose {', '.join(DOCUMENTS)}.")
    target = Path(target)
    check_target(target)
    if template is not None:
        check_template(Path(template))
    when = today or date.today()
    found = tuple(
        problems if problems is not None else document_preflight(workspace, document, today=when)
    )
    if refuse_problems and found and not draft:
        raise FinalExportRefused(document, found)
    content: ProposalContent | EoiContent
    if document == PROPOSAL:
        content = proposal_content(
            workspace, today=when, draft=draft, heat_map_renderer=heat_map_renderer
        )
    else:
        content = eoi_content(workspace, today=when, draft=draft)
    return PreparedExport(document, content, target, template, found)


def export(
    workspace: Workspace,
    target: Path,
    options: ExportOptions,
    *,
    document: str = PROPOSAL,
    today: date | None = None,
) -> ExportResult:
    """Prepare and write in one go, for the command line: a final export with problems is refused."""
    prepared = prepare_export(
        workspace,
        target,
        document=document,
        template=options.template,
        draft=options.draft,
        today=today,
        heat_map_renderer=options.heat_map_renderer,
        refuse_problems=True,
    )
    return prepared.write(options.progress)


def export_proposal_docx(
    workspace: Workspace, target: Path, options: ExportOptions
) -> ExportResult:
    return export(workspace, target, options, document=PROPOSAL)


def export_eoi_docx(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    return export(workspace, target, options, document=EOI)
