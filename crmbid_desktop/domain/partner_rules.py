"""Rules of the bidding partnership: one lead, shares total 100%, valid contacts, money and names.

Plain Python so the Partners page, the importer and the command line all apply the same rules.
Money is integer pence and shares integer basis points (hundredths of a percent), read with
Decimal so "£12,500.10" is exactly 1,250,010 pence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from crmbid_desktop.domain.money import parse_cost
from crmbid_desktop.domain.percentages import (
    FULL_BP,
    format_percent,
    format_percent_number,
    parse_percent,
)

COUNCIL_TYPES = (
    "London borough",
    "metropolitan district",
    "county",
    "unitary",
    "shire district",
    "other public body",
)
LEAD = "lead"
ROLES = (LEAD, "joint bidder", "supporting")
WITHDRAWN = "withdrawn"
STATUSES = (
    "approached",
    "interested",
    "expression of interest authorised",
    "letter of support received",
    "signed off",
    WITHDRAWN,
)
FULL_SHARE_BP = FULL_BP

# Words people write for the same choice; compared after `_choice_key`.
_CHOICE_SYNONYMS = {
    "londonboro": "London borough",
    "lb": "London borough",
    "metropolitan": "metropolitan district",
    "metropolitanborough": "metropolitan district",
    "metdistrict": "metropolitan district",
    "countycouncil": "county",
    "unitaryauthority": "unitary",
    "unitarycouncil": "unitary",
    "district": "shire district",
    "districtcouncil": "shire district",
    "other": "other public body",
    "leadcouncil": LEAD,
    "leadauthority": LEAD,
    "joint": "joint bidder",
    "jointpartner": "joint bidder",
    "partner": "joint bidder",
    "support": "supporting",
    "supporter": "supporting",
    "eoiauthorised": "expression of interest authorised",
    "eoiauthorized": "expression of interest authorised",
    "expressionofinterestauthorized": "expression of interest authorised",
    "letterofsupport": "letter of support received",
    "signed": "signed off",
    "signedoff": "signed off",
}


class RuleError(ValueError):
    """A value that breaks a partnership rule; the message says what is wrong in the user's words."""


def _choice_key(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


def read_choice(text: str, choices: tuple[str, ...], what: str) -> str:
    """The choice `text` names (case, spaces and common synonyms tolerated), or RuleError."""
    key = _choice_key(text)
    for choice in choices:
        if _choice_key(choice) == key:
            return choice
    synonym = _CHOICE_SYNONYMS.get(key)
    if synonym in choices:
        return synonym
    raise RuleError(f"“{text}” is not a {what}; use one of: {', '.join(choices)}.")


# -- money, shares and days ------------------------------------------------------------------------


def _decimal(text: str, what: str) -> Decimal:
    cleaned = text.strip().replace("£", "").replace(",", "").replace(" ", "").replace("\u00a0", "")
    if cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise RuleError(f"“{text}” is not {what}.") from None
    if not value.is_finite():
        raise RuleError(f"“{text}” is not {what}.")
    return value


def parse_pence(text: str) -> int:
    """A contribution as typed -> integer pence (domain/money's grammar); blank is £0, never negative."""
    try:
        return parse_cost(text, "Contribution")
    except ValueError as error:
        raise RuleError(str(error)) from None


def parse_share_bp(text: str) -> int:
    """A share of funding as typed -> basis points (domain/percentages' grammar); blank is 0%."""
    if not text.strip():
        return 0
    try:
        return parse_percent(text, "a percentage share of funding")
    except ValueError as error:
        raise RuleError(str(error)) from None


def parse_staff_days(text: str) -> int:
    stripped = text.strip()
    if not stripped:
        return 0
    value = _decimal(stripped, "a number of staff days")
    if value < 0 or value != value.to_integral_value():
        raise RuleError(f"“{text}”: staff days must be a whole number, 0 or more.")
    return int(value)


# -- contacts -------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_PHONE_EXTENSION = re.compile(r"\s*(?:ext\.?|extension|x)\s*\d{1,5}$", re.IGNORECASE)


def email_problem(text: str) -> str | None:
    """None when `text` is blank or a plausible email address, else a message saying why not."""
    value = text.strip()
    if not value:
        return None
    if "@" not in value:
        return "An email address needs an @, for example j.smith@leeds.gov.uk."
    if not _EMAIL.match(value) or ".." in value:
        return f"“{value}” is not a valid email address (for example j.smith@leeds.gov.uk)."
    return None


def normalise_uk_phone(text: str) -> str:
    """Digits of a UK number in national form ('+44 (0)20 7946 0000' -> '02079460000')."""
    value = _PHONE_EXTENSION.sub("", text.strip())
    digits = re.sub(r"[\s\-().]", "", value)
    if digits.startswith("+44"):
        digits = "0" + digits[3:]
    elif digits.startswith("0044"):
        digits = "0" + digits[4:]
    if digits.startswith("00"):  # "+44 (0)20..." leaves a doubled trunk zero
        digits = digits[1:]
    return digits


def phone_problem(text: str) -> str | None:
    """None when `text` is blank or a UK phone number (10 or 11 digits from 0, or +44), else why."""
    value = text.strip()
    if not value:
        return None
    digits = normalise_uk_phone(value)
    if digits.startswith("+"):
        return f"“{value}” is not a UK number: start with 0 or +44 (for example 0113 222 4444)."
    if not digits.isdigit():
        return f"“{value}”: a phone number has only digits, spaces, brackets, + and -."
    if not digits.startswith("0") or digits.startswith("00"):
        return f"“{value}” is not a UK number: start with 0 or +44 (for example 0113 222 4444)."
    if len(digits) not in (10, 11):
        return (
            f"“{value}” has {len(digits)} digits; a UK number has 10 or 11 "
            "(for example 0113 222 4444)."
        )
    return None


# -- the partnership as a whole --------------------------------------------------------------------


@dataclass(frozen=True)
class PartnerStanding:
    """What the partnership rules need to know of one council."""

    name: str
    role: str
    status: str
    share_bp: int


@dataclass(frozen=True)
class PartnershipCheck:
    leads: tuple[str, ...]
    total_share_bp: int
    active_count: int
    problems: tuple[str, ...]

    @property
    def sound(self) -> bool:
        return not self.problems


def is_active(status: str) -> bool:
    """A withdrawn council stays in the history but leaves the totals."""
    return status != WITHDRAWN


def check_partnership(partners: Iterable[PartnerStanding]) -> PartnershipCheck:
    """Exactly one lead, and shares of funding over councils that have not withdrawn total 100%."""
    active = [partner for partner in partners if is_active(partner.status)]
    leads = tuple(partner.name for partner in active if partner.role == LEAD)
    total = sum(partner.share_bp for partner in active)
    problems: list[str] = []
    if not leads:
        problems.append("No lead council: choose exactly one council with the role “lead”.")
    elif len(leads) > 1:
        problems.append(
            f"{len(leads)} lead councils ({', '.join(leads)}): the partnership needs exactly one."
        )
    if active and total != FULL_SHARE_BP:
        difference = total - FULL_SHARE_BP
        word = "over" if difference > 0 else "short of"
        problems.append(
            f"Shares of funding total {format_percent(total)}, "
            f"{format_percent_number(abs(difference))} "
            f"points {word} 100% (councils that have withdrawn are left out)."
        )
    return PartnershipCheck(leads, total, len(active), tuple(problems))


# -- matching councils by name ---------------------------------------------------------------------

_TRAILING_WORDS = ("council",)
_TRAILING_KINDS = ("metropolitan borough", "city", "borough", "county", "district")


def council_key(name: str) -> str:
    """The name a re-import matches on, so the same council is updated, not added twice.

    Case, punctuation and spacing are ignored, "&" equals "and", a leading "The" is dropped, and a
    trailing "Council" is dropped together with one "City", "Borough", "County", "District" or
    "Metropolitan Borough" before it: "Leeds City Council", "LEEDS" and "Leeds City" all match.
    "London Borough of Newham" and "Newham" do not: prefixes are kept, so names stay predictable.
    """
    text = name.casefold().replace("&", " and ")
    words = re.sub(r"[^0-9a-z]+", " ", text).split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    if len(words) > 1 and words[-1] in _TRAILING_WORDS:
        words = words[:-1]
    for kind in _TRAILING_KINDS:
        kind_words = kind.split()
        if len(words) > len(kind_words) and words[-len(kind_words) :] == kind_words:
            words = words[: -len(kind_words)]
            break
    return " ".join(words)
