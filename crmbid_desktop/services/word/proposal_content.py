"""Plain, print-ready descriptions of the proposal and expression-of-interest documents."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

ODPM = "Office of the Deputy Prime Minister"
#: The letter that opened the competition, which the expression of interest answers.
OPEN_LETTER_DATE = date(2005, 7, 27)

# Councils whose names read as a phrase take "the" in running text ("jointly with the London
# Borough of Newham"); "Leeds City Council" does not.
_ARTICLE_PREFIXES = (
    "london borough of",
    "royal borough of",
    "borough of",
    "metropolitan borough of",
    "council of the",
    "city and county of",
    "greater london authority",
    "improvement and development agency",
    "office of",
)


def with_article(name: str) -> str:
    """'the London Borough of Newham', 'Leeds City Council': a council named in a sentence."""
    cleaned = name.strip()
    lowered = cleaned.lower()
    if lowered.startswith("the ") or not lowered.startswith(_ARTICLE_PREFIXES):
        return cleaned
    return f"the {cleaned}"


@dataclass(frozen=True, slots=True)
class SectionContent:
    """One numbered section; level 1..3 gives numbering depth (1, 1.1, 1.1.1)."""

    number: str  # as the app shows it, e.g. "4.1"; Word's own numbering prints the same
    title: str
    level: int
    body_markdown: str = ""
    #: An appendix is lettered ("Appendix A:") and printed after the partnership, timetable,
    #: criteria, products and risks, before the letters of support.
    appendix: bool = False
    #: What the section should say; a draft prints it in grey where no text is written yet.
    guidance: str = ""
    #: A heading over sub-sections is not empty even with no text of its own.
    has_subsections: bool = False

    @property
    def empty(self) -> bool:
        return not self.body_markdown.strip()


@dataclass(frozen=True, slots=True)
class PartnerRow:
    council: str
    role: str  # "Lead", "Joint partner", "Supporting"
    status: str  # e.g. "Authority to bid given"
    contribution: str  # e.g. "£12,000.00"
    share: str  # e.g. "40%"
    signed_off_by: str = ""
    signed_off_on: str = ""  # e.g. "Wed 24 Aug 2005"


@dataclass(frozen=True, slots=True)
class TimetableRow:
    when: str  # e.g. "Fri 26 Aug 2005"
    task: str
    owner: str = ""
    milestone: bool = False


@dataclass(frozen=True, slots=True)
class CriterionRow:
    criterion: str
    weight: str  # e.g. "10%"
    addressed_in: str  # e.g. "Sections 3, 4.1"


@dataclass(frozen=True, slots=True)
class ProductRow:
    product: str
    decision: str  # keep, refresh, merge or retire
    owner: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class RiskRow:
    risk: str
    likelihood: str
    impact: str
    mitigation: str
    owner: str = ""


@dataclass(frozen=True, slots=True)
class LetterRow:
    organisation: str
    signatory: str
    received_on: str = ""  # e.g. "Mon 22 Aug 2005"


@dataclass(frozen=True, slots=True)
class BudgetLineRow:
    """One printed budget row; style is "heading", "line", "total" or "balance"."""

    cells: list[str]
    style: str = "line"


@dataclass(frozen=True, slots=True)
class BudgetTable:
    headers: list[str]
    rows: list[BudgetLineRow]


@dataclass(frozen=True, slots=True)
class ProposalContent:
    """Everything printed in the proposal, in print order."""

    title: str
    reference: str
    lead_council: str
    date: date
    version: str
    contact: str
    funding_body: str = ODPM
    joint_partners: list[str] = field(default_factory=list)
    protective_marking: str = "OFFICIAL"
    draft: bool = False
    sections: list[SectionContent] = field(default_factory=list)
    partners: list[PartnerRow] = field(default_factory=list)
    timetable: list[TimetableRow] = field(default_factory=list)
    criteria: list[CriterionRow] = field(default_factory=list)
    products: list[ProductRow] = field(default_factory=list)
    risks: list[RiskRow] = field(default_factory=list)
    letters_of_support: list[LetterRow] = field(default_factory=list)
    author: str = ""
    company: str = ""
    budget: BudgetTable | None = None
    #: The risk heat map as a PNG, drawn by whoever can paint (the GUI layer), or None.
    risk_heat_map_png: bytes | None = None
    #: Our header and footer go into a council template's own (False: the template's are kept).
    use_template_header_footer: bool = True
    #: Money in tables is printed in whole pounds (the bid's setting).
    money_whole_pounds: bool = True


@dataclass(frozen=True, slots=True)
class EoiContent:
    """The expression-of-interest letter to ODPM, every line of it already decided."""

    lead_council: str
    bid_title: str
    date: date
    contact_name: str
    contact_title: str
    contact_email: str
    contact_phone: str
    joint_partners: list[str] = field(default_factory=list)
    recipient_name: str = ""
    recipient_title: str = ""
    #: Postal address lines, organisation first.
    recipient_address: list[str] = field(default_factory=list)
    signatory: str = ""
    signatory_title: str = ""
    reference: str = ""
    author: str = ""
    company: str = ""
    draft: bool = False
    use_template_header_footer: bool = True
