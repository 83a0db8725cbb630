"""The bid file's tables as typed SQLAlchemy 2.0 models (portable: no SQLite-only constructs)."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime, time

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints keep Alembic's batch mode (SQLite) and PostgreSQL migrations predictable.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Tracked:
    """Columns every row carries: the offline exchange between councils relies on them."""

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    modified_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now, onupdate=utc_now)
    #: Goes up by one with every change to the row, whoever makes it and however (a form, an
    #: undo, a raw UPDATE): a save checks it against the version its form loaded, so two people
    #: on one bid never silently overwrite each other. Bumped by the store (store/row_versions.py).
    row_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class Bid(Tracked, Base):
    """The one bid a file holds, with its bid-wide settings."""

    __tablename__ = "bid"

    title: Mapped[str] = mapped_column(String(300))
    funding_body: Mapped[str] = mapped_column(String(300), default="")
    reference: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(40), default="preparing")
    version_label: Mapped[str] = mapped_column(String(40), default="0.1")
    protective_marking: Mapped[str] = mapped_column(String(60), default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_title: Mapped[str] = mapped_column(String(200), default="")
    contact_email: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(60), default="")
    template_name: Mapped[str] = mapped_column(String(60), default="blank")
    # Bid settings named by the issues: word counts, products expected, budget years.
    count_table_words: Mapped[bool] = mapped_column(Boolean, default=True)
    expected_products: Mapped[int] = mapped_column(Integer, default=41)
    budget_first_year: Mapped[int] = mapped_column(Integer, default=2005)
    budget_year_count: Mapped[int] = mapped_column(Integer, default=5)
    #: Who the expression-of-interest letter goes to (name, job title, postal address lines).
    letter_recipient_name: Mapped[str] = mapped_column(String(200), default="", server_default="")
    letter_recipient_title: Mapped[str] = mapped_column(String(200), default="", server_default="")
    letter_recipient_address: Mapped[str] = mapped_column(Text, default="", server_default="")
    #: The date the letter bears; None: the last working day before the deadline (or today).
    letter_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    #: Money in Word tables printed in whole pounds (£12,000) rather than to the penny.
    money_whole_pounds: Mapped[bool] = mapped_column(Boolean, default=True, server_default="1")
    #: Our header and footer text goes into a council template's own header and footer.
    use_template_header_footer: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default="1"
    )
    #: "Plan as if today is …": the day the dashboard and timetable count from (rehearsals,
    #: training, looking back); None: the computer's real today.
    planning_date: Mapped[date | None] = mapped_column(Date, nullable=True)


class Partner(Tracked, Base):
    """A council (or other public body) in the bidding partnership."""

    __tablename__ = "partner"

    name: Mapped[str] = mapped_column(String(300))
    council_type: Mapped[str] = mapped_column(String(60), default="")
    region: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(40), default="supporting")
    status: Mapped[str] = mapped_column(String(60), default="approached")
    signatory: Mapped[str] = mapped_column(String(200), default="")
    signed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    contribution_pence: Mapped[int] = mapped_column(Integer, default=0)
    staff_days: Mapped[int] = mapped_column(Integer, default=0)
    # Hundredths of a percent, so shares total exactly 100.00% without float drift.
    funding_share_bp: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Contact.id"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="partner", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class Contact(Tracked, Base):
    __tablename__ = "contact"

    partner_id: Mapped[int] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(60), default="")

    partner: Mapped[Partner] = relationship(back_populates="contacts")


class Attachment(Tracked, Base):
    """A letter of support or agreement, stored inside the bid file."""

    __tablename__ = "attachment"

    partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="CASCADE"), nullable=True
    )
    filename: Mapped[str] = mapped_column(String(300))
    media_type: Mapped[str] = mapped_column(String(100), default="application/octet-stream")
    kind: Mapped[str] = mapped_column(String(60), default="letter of support")
    received_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    size_bytes: Mapped[int] = mapped_column(Integer, default=0)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)

    partner: Mapped[Partner | None] = relationship(back_populates="attachments")


class Milestone(Tracked, Base):
    """An external deadline or internal checkpoint on the timetable."""

    __tablename__ = "milestone"

    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[date] = mapped_column(Date)
    due_time: Mapped[time | None] = mapped_column(Time, nullable=True)
    kind: Mapped[str] = mapped_column(String(40), default="internal")
    external: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    flag: Mapped[str] = mapped_column(Text, default="")


class Task(Tracked, Base):
    __tablename__ = "task"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    owner_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), nullable=True
    )
    owner_person: Mapped[str] = mapped_column(String(200), default="")
    start_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(40), default="not started")
    priority: Mapped[str] = mapped_column(String(20), default="normal")
    effort_days: Mapped[int] = mapped_column(Integer, default=1)
    milestone_id: Mapped[int | None] = mapped_column(
        ForeignKey("milestone.id", ondelete="SET NULL"), nullable=True
    )
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("section.id", ondelete="SET NULL"), nullable=True
    )
    # "N working days before milestone M": the due date follows the milestone when it moves.
    anchor_working_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    owner_partner: Mapped[Partner | None] = relationship()
    milestone: Mapped[Milestone | None] = relationship()


class TaskDependency(Tracked, Base):
    """Finish-to-start: the successor cannot start before the predecessor is finished."""

    __tablename__ = "task_dependency"
    __table_args__ = (UniqueConstraint("predecessor_id", "successor_id"),)

    predecessor_id: Mapped[int] = mapped_column(
        ForeignKey("task.id", ondelete="CASCADE"), index=True
    )
    successor_id: Mapped[int] = mapped_column(ForeignKey("task.id", ondelete="CASCADE"), index=True)


class Section(Tracked, Base):
    """A section of the proposal and sustainability strategy; bodies are CommonMark + GFM tables."""

    __tablename__ = "section"

    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), nullable=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(300))
    guidance: Mapped[str] = mapped_column(Text, default="")
    word_limit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(40), default="not started")
    author_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), nullable=True
    )
    author_person: Mapped[str] = mapped_column(String(200), default="")
    reviewer: Mapped[str] = mapped_column(String(200), default="")
    due_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    body: Mapped[str] = mapped_column(Text, default="")
    is_appendix: Mapped[bool] = mapped_column(Boolean, default=False)


class SectionVersion(Tracked, Base):
    __tablename__ = "section_version"

    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    body: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(200), default="")
    note: Mapped[str] = mapped_column(String(300), default="")


class Comment(Tracked, Base):
    """A reviewer's comment on a section."""

    __tablename__ = "comment"

    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    author: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)


class Criterion(Tracked, Base):
    """An evaluation criterion; weights are hundredths of a percent."""

    __tablename__ = "criterion"

    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    weight_bp: Mapped[int] = mapped_column(Integer, default=0)
    position: Mapped[int] = mapped_column(Integer, default=0)


class SectionCriterion(Tracked, Base):
    """Which section addresses which criterion, with a note saying where."""

    __tablename__ = "section_criterion"
    __table_args__ = (UniqueConstraint("section_id", "criterion_id"),)

    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    note: Mapped[str] = mapped_column(Text, default="")


class Clarification(Tracked, Base):
    """A question put to the department and its answer."""

    __tablename__ = "clarification"

    question: Mapped[str] = mapped_column(Text)
    asked_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    answer: Mapped[str] = mapped_column(Text, default="")
    answered_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class ClarificationSection(Tracked, Base):
    __tablename__ = "clarification_section"
    __table_args__ = (UniqueConstraint("clarification_id", "section_id"),)

    clarification_id: Mapped[int] = mapped_column(
        ForeignKey("clarification.id", ondelete="CASCADE")
    )
    section_id: Mapped[int] = mapped_column(
        ForeignKey("section.id", ondelete="CASCADE"), index=True
    )


class Product(Tracked, Base):
    """One of the CRM Academy's products the bid must sustain."""

    __tablename__ = "product"

    name: Mapped[str] = mapped_column(String(300))
    category: Mapped[str] = mapped_column(String(60), default="other")
    description: Mapped[str] = mapped_column(Text, default="")
    current_state: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(40), default="")
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    owner_partner_id: Mapped[int | None] = mapped_column(
        ForeignKey("partner.id", ondelete="SET NULL"), nullable=True
    )
    yearly_cost_pence: Mapped[int] = mapped_column(Integer, default=0)
    downloads: Mapped[int | None] = mapped_column(Integer, nullable=True)
    councils_using: Mapped[int | None] = mapped_column(Integer, nullable=True)
    next_review_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class Risk(Tracked, Base):
    __tablename__ = "risk"

    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str] = mapped_column(Text, default="")
    likelihood: Mapped[int] = mapped_column(Integer, default=3)
    impact: Mapped[int] = mapped_column(Integer, default=3)
    owner: Mapped[str] = mapped_column(String(200), default="")
    mitigation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(40), default="open")
    review_on: Mapped[date | None] = mapped_column(Date, nullable=True)


class BudgetLine(Tracked, Base):
    """An income or cost line of the multi-year budget."""

    __tablename__ = "budget_line"

    kind: Mapped[str] = mapped_column(String(20))  # "income" or "cost"
    source: Mapped[str] = mapped_column(String(60))
    label: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)

    amounts: Mapped[list[BudgetAmount]] = relationship(
        back_populates="line", cascade="all, delete-orphan", order_by="BudgetAmount.year"
    )


class BudgetAmount(Tracked, Base):
    __tablename__ = "budget_amount"
    __table_args__ = (UniqueConstraint("line_id", "year"),)

    line_id: Mapped[int] = mapped_column(
        ForeignKey("budget_line.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)  # first calendar year of the financial year
    amount_pence: Mapped[int] = mapped_column(Integer, default=0)

    line: Mapped[BudgetLine] = relationship(back_populates="amounts")


class ChangeLogEntry(Base):
    """Who changed what and when; written in the same transaction as the change."""

    __tablename__ = "change_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    who: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_uuid: Mapped[str] = mapped_column(String(36), default="")
    summary: Mapped[str] = mapped_column(Text, default="")


class ExchangeBase(Base):
    """The last common state of this bid and a partner's copy, kept in both files.

    Written when "Save a copy for a partner" makes the copy, and moved on by each merge, so a
    three-way merge knows what each side changed.
    """

    __tablename__ = "exchange_base"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    copy_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    made_at: Mapped[datetime] = mapped_column(DateTime, default=utc_now)
    partner_name: Mapped[str] = mapped_column(String(200), default="")
    #: JSON: {table: {row uuid: {field: value}}}, foreign keys as the referenced row's uuid.
    snapshot: Mapped[str] = mapped_column(Text, default="{}")
    merged_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
