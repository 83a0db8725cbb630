"""A few of the bid file's tables as lightweight SQL clauses, for reads before the ORM is loaded.

Declaring and configuring the ORM models (`models.py`) costs a noticeable part of the program's
start-up. The main window's first screen (its title and the dashboard's progress) needs only a
handful of columns, so it reads them through these clauses: plain SQLAlchemy Core, portable to
PostgreSQL like the rest, and the models load just after the window has painted.

Names and types here must match `models.py`; tests/store/test_table_clauses.py checks them.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Date, Integer, String, Text, column, table

bid = table(
    "bid",
    column("id", Integer),
    column("title", String),
    column("funding_body", String),
    column("count_table_words", Boolean),
    column("planning_date", Date),
)

section = table(
    "section",
    column("id", Integer),
    column("uuid", String),
    column("parent_id", Integer),
    column("position", Integer),
    column("title", String),
    column("status", String),
    column("word_limit", Integer),
    column("body", Text),
    column("is_appendix", Boolean),
    column("due_on", Date),
)

criterion = table(
    "criterion",
    column("id", Integer),
    column("title", String),
    column("position", Integer),
)

section_criterion = table(
    "section_criterion",
    column("section_id", Integer),
    column("criterion_id", Integer),
)

partner = table(
    "partner",
    column("id", Integer),
    column("name", String),
    column("status", String),
    column("position", Integer),
)

milestone = table(
    "milestone",
    column("id", Integer),
    column("title", String),
    column("due_on", Date),
    column("external", Boolean),
)

#: Every clause above, for the test that holds them to the models.
ALL = (bid, section, criterion, section_criterion, partner, milestone)
