"""Random section texts sent and taken back untouched come back unchanged: through python-docx,
and (a few examples, to keep CI short) through a real LibreOffice re-save."""

from __future__ import annotations

import re
import string
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.section_exchange import preview_returned, send_sections
from tests.services.test_section_exchange import _set_body
from tests.services.test_take_back_word_processors import libreoffice_resave

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")

word = st.one_of(
    st.text(string.ascii_letters + "£éü", min_size=1, max_size=9),
    st.text(string.ascii_letters + string.digits + "*_#[]\\|<>&`-+.!()~", min_size=1, max_size=6),
    st.sampled_from(["2005.", "1.", "CRM_NP", "3 * £1,200", "e\u2011government", "-", "#", "+"]),
)


def _escape(text: str) -> str:
    """How the bid spells literal text: every ASCII punctuation mark escaped."""
    return _PUNCTUATION.sub(r"\\\1", text)


@st.composite
def inline(draw: st.DrawFn) -> str:
    pieces = []
    for _ in range(draw(st.integers(1, 5))):
        words = " ".join(_escape(w) for w in draw(st.lists(word, min_size=1, max_size=4)))
        shape = draw(st.sampled_from(["plain", "plain", "bold", "italic", "underline", "link"]))
        if shape == "bold":
            words = f"**{words}**"
        elif shape == "italic":
            words = f"*{words}*"
        elif shape == "underline":
            words = f"<u>{words}</u>"
        elif shape == "link":
            words = f"[{words}](https://example.org/{draw(st.sampled_from(['a', 'crm/b']))})"
        pieces.append(words)
    return " ".join(pieces)


@st.composite
def a_list(draw: st.DrawFn) -> str:
    ordered = draw(st.booleans())
    lines = []
    for index in range(1, draw(st.integers(1, 4)) + 1):
        marker = f"{index}." if ordered else "-"
        lines.append(f"{marker} {draw(inline())}")
        if draw(st.integers(0, 3)) == 0:
            nested_ordered = draw(st.booleans())
            pad = " " * (len(marker) + 1)
            for sub in range(1, draw(st.integers(1, 2)) + 1):
                lines.append(f"{pad}{f'{sub}.' if nested_ordered else '-'} {draw(inline())}")
    return "\n".join(lines)


@st.composite
def a_table(draw: st.DrawFn) -> str:
    columns = draw(st.integers(1, 3))

    def row() -> str:
        return "| " + " | ".join(draw(inline()) for _ in range(columns)) + " |"

    lines = [row(), "|" + "|".join(["---"] * columns) + "|"]
    lines += [row() for _ in range(draw(st.integers(1, 3)))]
    return "\n".join(lines)


@st.composite
def section_text(draw: st.DrawFn) -> str:
    blocks: list[str] = []
    last_list = False
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["paragraph", "paragraph", "list", "table", "heading"]))
        if kind == "list" and last_list:
            kind = "paragraph"  # two lists in a row are one list in Markdown
        last_list = kind == "list"
        if kind == "paragraph":
            blocks.append(draw(inline()))
        elif kind == "list":
            blocks.append(draw(a_list()))
        elif kind == "table":
            blocks.append(draw(a_table()))
        else:
            blocks.append(f"{draw(st.sampled_from(['#', '##']))} {draw(inline())}")
    return "\n\n".join(blocks)


def _round_trip(workspace: Workspace, tmp_path: Path, texts: list[str], name: str) -> Path:
    for number, text in zip(("1", "2", "3"), texts, strict=True):
        _set_body(workspace, number, text)
    target = tmp_path / name
    if target.exists():
        target.unlink()
    send_sections(workspace, target, ["1", "2", "3"])
    return target


@pytest.mark.slow
@pytest.mark.timeout(600)
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(section_text(), min_size=3, max_size=3))
def test_untouched_round_trip_through_python_docx(
    workspace: Workspace, tmp_path: Path, texts: list[str]
) -> None:
    sent = _round_trip(workspace, tmp_path, texts, "sent.docx")
    docx.Document(str(sent)).save(str(sent))  # opened and saved again, as a program would
    preview = preview_returned(workspace, sent)
    assert [c.number for c in preview.changes] == ["1", "2", "3"]
    for change, text in zip(preview.changes, texts, strict=True):
        assert not change.changed("accept"), (text, change.returned.accepted)


@pytest.mark.slow
@pytest.mark.timeout(600)
@settings(
    max_examples=3,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(texts=st.lists(section_text(), min_size=3, max_size=3))
def test_untouched_round_trip_through_libreoffice(
    workspace: Workspace, tmp_path_factory: pytest.TempPathFactory, texts: list[str]
) -> None:
    folder = tmp_path_factory.mktemp("lo")
    sent = _round_trip(workspace, folder, texts, "sent.docx")
    returned = libreoffice_resave(sent, via_odt=False)
    preview = preview_returned(workspace, returned)
    assert [c.number for c in preview.changes] == ["1", "2", "3"]
    for change, text in zip(preview.changes, texts, strict=True):
        assert not change.changed("accept"), (text, change.returned.accepted)
