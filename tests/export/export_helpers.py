"""Content samples and the three-way check (audit, reopen, PDF text) for exported Word files."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import date
from functools import lru_cache
from pathlib import Path

import docx
import pytest
from openxml_audit import OpenXmlValidator

from crmbid_desktop.services.word.proposal_content import (
    CriterionRow,
    LetterRow,
    PartnerRow,
    ProductRow,
    ProposalContent,
    RiskRow,
    SectionContent,
    TimetableRow,
)

RICH_BODY = """Intro with **bold**, _italic_, <u>underlined</u> and a [link](https://www.odpm.gov.uk/crm).

# Evidence of use

- level one
  - level two
    - level three
- back to one

## Numbers

1. first
2. second
   1. inner

| Council | Share |
|---|---:|
| Leeds | 60% |
| Newham | 40% |
"""


def sample_content(**changes: object) -> ProposalContent:
    fields: dict[str, object] = {
        "title": "CRM Academy sustainability strategy",
        "reference": "CRM/2005/01",
        "lead_council": "Leeds City Council",
        "joint_partners": ["London Borough of Newham"],
        "date": date(2005, 8, 26),
        "version": "0.3",
        "contact": "Jane Smith, Head of Customer Services",
        "author": "Jane Smith",
        "company": "Leeds City Council",
        "sections": [
            SectionContent("1", "Executive summary", 1, RICH_BODY),
            SectionContent("1.1", "Background", 2, "Some background."),
            SectionContent("1.1.1", "Track record", 3, "Eighty councils."),
            SectionContent("2", "Governance", 1, ""),
        ],
        "partners": [
            PartnerRow(
                "Leeds City Council",
                "Lead",
                "Agreed",
                "£12,000.00",
                "60%",
                "CFO",
                "Wed 24 Aug 2005",
            ),
            PartnerRow("London Borough of Newham", "Supporting", "Agreed", "£8,000.00", "40%"),
        ],
        "timetable": [TimetableRow("Fri 26 Aug 2005", "Submit proposal", "JS", True)],
        "criteria": [CriterionRow("Strategic fit", "10%", "Section 1")],
        "products": [ProductRow("Roadmap Framework", "Keep")],
        "risks": [RiskRow("No funding", "Medium", "High", "Subscriptions")],
        "letters_of_support": [LetterRow("IDeA", "A Person", "Mon 22 Aug 2005")],
    }
    fields.update(changes)
    return ProposalContent(**fields)  # type: ignore[arg-type]


def _findings(path: Path) -> set[tuple[str, str, str]]:
    result = OpenXmlValidator(max_errors=1000).validate(str(path))
    return {(e.part_uri, e.node or "", e.description) for e in result.errors}


@lru_cache(maxsize=1)
def _baseline(tmp: str) -> frozenset[tuple[str, str, str]]:
    path = Path(tmp) / "empty.docx"
    docx.Document().save(str(path))
    return frozenset(_findings(path))


@pytest.fixture(scope="session")
def audit_baseline(tmp_path_factory: pytest.TempPathFactory) -> frozenset[tuple[str, str, str]]:
    """What openxml-audit reports for python-docx's own empty document."""
    return _baseline(str(tmp_path_factory.mktemp("baseline")))


def document_xml(path: Path, part: str = "word/document.xml") -> str:
    with zipfile.ZipFile(path) as z:
        return z.read(part).decode("utf-8")


def parts_xml(path: Path, prefix: str) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode() for n in z.namelist() if n.startswith(prefix))


def pdf_text(path: Path) -> str | None:
    """The text LibreOffice lays out, or None when LibreOffice is not installed."""
    soffice = shutil.which("soffice")
    if soffice is None or shutil.which("pdftotext") is None:
        return None
    out = path.parent / "pdf"
    profile = path.parent / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=100,
    )
    pdf = out / (path.stem + ".pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True).stdout
    return " ".join(text.decode("utf-8").split())


def check_file(
    path: Path,
    baseline: frozenset[tuple[str, str, str]],
    *,
    expect_in_pdf: list[str] | None = None,
) -> None:
    """(a) no audit findings beyond an empty document's, (b) python-docx reopens, (c) PDF text."""
    assert _findings(path) - baseline == set()
    docx.Document(str(path))
    if expect_in_pdf is not None:
        text = pdf_text(path)
        if text is not None:
            for wanted in expect_in_pdf:
                assert " ".join(wanted.split()) in text, wanted
