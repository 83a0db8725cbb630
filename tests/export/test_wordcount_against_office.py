"""The word meter against an independent counter: LibreOffice's count of the exported text.

Word itself is not available on a build machine; LibreOffice counts words the same way for
ordinary prose (runs of characters between spaces), so the two must agree within the 1% the
bid allows. Two known differences are allowed for: LibreOffice counts the automatic label of
each list item (the bullet or "1."), which Word leaves out, so one word per list paragraph is
taken off its count; and it splits words at en and em dashes, which Word does not, so the
samples keep dashes out (the dash rule is tested on its own in tests/domain/test_wordcount.py).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from crmbid_desktop.domain.wordcount import count_words
from crmbid_desktop.services.word.docx_export import _Builder

SAMPLES = {
    "prose with formatting": (
        "Leeds City Council, with the **London Borough of Newham**, will take over the "
        "*CRM National Project* and <u>sustain all 41 products</u> of the CRM Academy. "
        "Our partnership has run CRM since 2002 and serves 715,000 residents.\n\n"
        "## Promotion and roll-out\n\n"
        "- Workshops in nine regions (2005/06 to 2009/10)\n"
        "  - three per region; 27 in all\n"
        "  - led by councils that have finished their own CRM programmes\n"
        "- A helpdesk staffed from 9am, e-mail and telephone\n\n"
        "1. Review the portfolio by December 2005\n"
        "2. Publish a road map for 2006/07\n\n"
        "See [the CRM Academy](http://www.crmacademy.org.uk) for the current products, "
        "and our business case for the costs and income in full."
    ),
    "table": (
        "The five-year budget in brief:\n\n"
        "| Year | Councils subscribing | Income |\n"
        "|---|---|---|\n"
        "| 2005/06 | 120 | £40,000.00 |\n"
        "| 2006/07 | 180 | £61,500.00 |\n"
        "| 2007/08 | 240 | £82,000.00 |\n"
    ),
}


def _libreoffice_count(docx: Path, work: Path) -> int:
    soffice = shutil.which("soffice")
    assert soffice is not None
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--convert-to",
            "odt",
            "--outdir",
            str(work),
            str(docx),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    with zipfile.ZipFile(work / (docx.stem + ".odt")) as odt:
        meta = odt.read("meta.xml").decode("utf-8")
    found = re.search(r'meta:word-count="(\d+)"', meta)
    assert found is not None, meta
    return int(found.group(1))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_word_meter_agrees_with_libreoffice_within_one_percent(name: str, tmp_path: Path) -> None:
    body = SAMPLES[name]
    builder = _Builder(None)
    builder.markdown.render(body)
    docx = tmp_path / "sample.docx"
    builder.doc.save(str(docx))
    ours = count_words(body, include_tables=True)
    with zipfile.ZipFile(docx) as archive:
        list_paragraphs = archive.read("word/document.xml").decode("utf-8").count("<w:numPr>")
    theirs = _libreoffice_count(docx, tmp_path) - list_paragraphs
    assert abs(ours - theirs) <= max(1, theirs // 100), (ours, theirs)
