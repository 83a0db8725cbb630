"""Generated content with hostile text, empty parts and deep lists always exports cleanly."""

from __future__ import annotations

import tempfile
from pathlib import Path

from export_helpers import check_file, sample_content
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmbid_desktop.services.word.docx_export import write_proposal
from crmbid_desktop.services.word.proposal_content import PartnerRow, SectionContent, TimetableRow

text = st.text(max_size=40)


@st.composite
def bodies(draw: st.DrawFn) -> str:
    depth = draw(st.integers(min_value=0, max_value=6))
    lines = [f"{'  ' * level}- {draw(text).replace(chr(10), ' ')}" for level in range(depth)]
    return (
        draw(text)
        + "\n\n"
        + "\n".join(lines)
        + "\n\n"
        + draw(st.sampled_from(["", "| a |\n|---|\n"]))
    )


sections = st.lists(
    st.builds(
        SectionContent,
        number=st.just("1"),
        title=text,
        level=st.integers(min_value=0, max_value=5),
        body_markdown=bodies(),
    ),
    max_size=4,
)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    title=text,
    sections=sections,
    partners=st.lists(st.builds(PartnerRow, text, text, text, text, text), max_size=2),
    timetable=st.lists(st.builds(TimetableRow, text, text), max_size=2),
    draft=st.booleans(),
)
def test_generated_content_exports(
    audit_baseline: frozenset,
    title: str,
    sections: list[SectionContent],
    partners: list[PartnerRow],
    timetable: list[TimetableRow],
    draft: bool,
) -> None:
    content = sample_content(
        title=title,
        sections=sections,
        partners=partners,
        timetable=timetable,
        draft=draft,
        criteria=[],
        products=[],
        risks=[],
        letters_of_support=[],
    )
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "bid.docx"
        write_proposal(content, target)
        check_file(target, audit_baseline)
