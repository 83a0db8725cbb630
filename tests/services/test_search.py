"""Search across the bid: what matches, how it is shown, and that the user's % and _ are literal."""

from __future__ import annotations

from sqlalchemy import select

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.views import search as svc
from crmbid_desktop.store.models import Contact, Partner, Product, Risk, Section, Task


def _search(workspace: Workspace, text: str, limit: int = 200) -> list[svc.SearchHit]:
    with workspace.reading() as session:
        return svc.search(session, text, limit)


def test_partner_found_by_name_and_by_contact(workspace: Workspace) -> None:
    with workspace.edit("Added a contact") as session:
        leeds = session.scalars(select(Partner).where(Partner.name.like("Leeds%"))).one()
        session.add(Contact(partner_id=leeds.id, name="Priya Ramsbottom", email="pr@leeds.gov.uk"))
    hits = _search(workspace, "leeds city")
    assert [(h.kind, h.title) for h in hits if h.kind == "partner"] == [
        ("partner", "Leeds City Council")
    ]
    by_contact = [h for h in _search(workspace, "RAMSBOTTOM") if h.kind == "partner"]
    assert by_contact[0].key == leeds.id
    assert "Priya Ramsbottom" in by_contact[0].snippet
    assert by_contact[0].kind_label == "Partner"


def test_section_text_matches_plain_text_not_markdown(workspace: Workspace) -> None:
    with workspace.edit("Wrote") as session:
        section = session.scalars(select(Section).order_by(Section.id)).first()
        assert section is not None
        section.body = "We propose a joint **bid** by [councils](http://example.org) for the ODPM."
        section_id = section.id
    hits = [h for h in _search(workspace, "joint bid by councils") if h.kind == "section"]
    assert [h.key for h in hits] == [section_id]
    assert hits[0].title.startswith("1 ")
    assert "joint bid by councils" in hits[0].snippet
    assert "example.org" not in hits[0].snippet
    assert not [h for h in _search(workspace, "example.org") if h.kind == "section"]


def test_tasks_criteria_products_and_risks(workspace: Workspace) -> None:
    with workspace.edit("Set up") as session:
        task = session.scalars(select(Task).order_by(Task.id)).first()
        assert task is not None
        task.description = "Ask the zebra crossing team"
        session.add(Product(name="Zebra toolkit", description="Guides"))
        session.add(Risk(description="Zebra shortage", mitigation="Buy horses"))
    kinds = [h.kind for h in _search(workspace, "zebra")]
    assert kinds == ["task", "product", "risk"]
    criteria = [h for h in _search(workspace, "value for money") if h.kind == "criterion"]
    assert criteria, "the ODPM template has a value-for-money criterion"


def test_percent_and_underscore_are_literal(workspace: Workspace) -> None:
    with workspace.edit("Set up") as session:
        session.add(Risk(description="Costs rise 10% a year"))
        session.add(Risk(description="Costs rise 100 a year"))
        session.add(Risk(description="file_name with underscore"))
        session.add(Risk(description="filename without"))
    assert [h.title for h in _search(workspace, "10%")] == ["Costs rise 10% a year"]
    assert [h.title for h in _search(workspace, "file_name")] == ["file_name with underscore"]
    assert _search(workspace, "%") != []
    assert [h.title for h in _search(workspace, "rise 10% a")] == ["Costs rise 10% a year"]


def test_empty_text_finds_nothing_and_limit_is_kept(workspace: Workspace) -> None:
    assert _search(workspace, "   ") == []
    assert len(_search(workspace, "e", limit=5)) == 5


def test_snippet_shows_context_on_one_line() -> None:
    text = "a" * 100 + " needle\nin the\thaystack " + "b" * 100
    found = svc.snippet(text, "NEEDLE IN")
    assert found.startswith("…") and found.endswith("…")
    assert "needle in the haystack" in found
    assert svc.snippet("nothing here", "x") == ""
    assert svc.like_pattern("50%_\\") == "%50\\%\\_\\\\%"
