"""The bid's own details and settings: title, reference, contact for letters, counting and totals."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date

from sqlalchemy import select

from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.versioned import Loaded, SaveResult
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import Bid

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class BidDetailsError(ValueError):
    """A detail the user typed cannot be saved; the message names the field."""


@dataclass(frozen=True)
class BidDetails:
    title: str
    funding_body: str
    reference: str
    version_label: str
    protective_marking: str
    contact_name: str
    contact_title: str
    contact_email: str
    contact_phone: str
    #: Whether words in tables count towards a section's word limit (the word meter and preflight).
    count_table_words: bool
    #: How many products the register should end up holding ("12 of 41 products recorded").
    expected_products: int
    #: Who the expression-of-interest letter is addressed to; the address has one line per line.
    letter_recipient_name: str = ""
    letter_recipient_title: str = ""
    letter_recipient_address: str = ""
    #: The date the letter bears; None: the default (see services/proposal_export.letter_date).
    letter_date: date | None = None
    #: Money in the proposal's tables in whole pounds (£12,000) rather than pounds and pence.
    money_whole_pounds: bool = True
    #: Our title, marking and page numbers go into a council template's own header and footer;
    #: off, the template's header and footer are left exactly as the council made them.
    use_template_header_footer: bool = True

    def checked(self) -> BidDetails:
        """The details with spaces trimmed, or a `BidDetailsError` naming the bad field."""
        trimmed = replace(
            self,
            **{
                field.name: getattr(self, field.name).strip()
                for field in fields(self)
                if isinstance(getattr(self, field.name), str)
            },
        )
        address = "\n".join(
            line.strip() for line in trimmed.letter_recipient_address.splitlines() if line.strip()
        )
        trimmed = replace(trimmed, letter_recipient_address=address)
        if not trimmed.title:
            raise BidDetailsError(
                "Title: the bid needs a title (it heads every page of the proposal)."
            )
        if trimmed.contact_email and not EMAIL.match(trimmed.contact_email):
            raise BidDetailsError(
                f"Contact email: “{trimmed.contact_email}” is not an email address "
                "(for example j.smith@leeds.gov.uk)."
            )
        if not 0 <= trimmed.expected_products <= 10_000:
            raise BidDetailsError("Expected products: give a number from 0 to 10,000.")
        return trimmed


def read(workspace: Workspace) -> BidDetails:
    with workspace.reading() as session:
        bid = session.scalars(select(Bid)).one()
        return BidDetails(**{field.name: getattr(bid, field.name) for field in fields(BidDetails)})


def bid_id(workspace: Workspace) -> int:
    """The id of the bid's one row (its settings are saved versioned, by id)."""
    with workspace.reading() as session:
        return int(session.scalars(select(Bid.id)).one())


def load(workspace: Workspace) -> Loaded:
    """The details as a form shows them, with the bid row's version, for a later `save`."""
    names = [field.name for field in fields(BidDetails)]
    return versioned.load(workspace, Bid, bid_id(workspace), names)


def details_of(values: Mapping[str, object]) -> BidDetails:
    """The details a `Loaded` (or a merge of one) holds, by field name."""
    return BidDetails(**values)  # type: ignore[arg-type]  # the names and types of BidDetails


def save(workspace: Workspace, details: BidDetails, loaded: Loaded | None = None) -> SaveResult:
    """Save the details changed from `loaded` (what the form showed; None: as saved now) as one
    edit, merged with anyone else's save since; their different change to a detail I changed
    too comes back as a conflict, unwritten."""
    details = details.checked()
    if loaded is None:
        loaded = load(workspace)
    mine = {field.name: getattr(details, field.name) for field in fields(BidDetails)}

    def describe(writes: Mapping[str, object]) -> str:
        return f"Changed the bid's {', '.join(name.replace('_', ' ') for name in writes)}"

    return versioned.save_fields(
        workspace,
        Bid,
        bid_id(workspace),
        loaded,
        mine,
        describe=describe,
        entity="bid",
        texts=("letter_recipient_address",),
    )
