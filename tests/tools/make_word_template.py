"""Regenerate resources/templates/proposal-template.docx from the definitions in docx_styles."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import docx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from crmbid_desktop.services.word import docx_package, docx_styles  # noqa: E402


def main() -> None:
    document = docx.Document()
    docx_package.empty_body(document)
    docx_package.drop_stale_parts(document)
    docx_styles.install(document, replace=True)
    docx_styles.set_a4_page(document)
    docx_package.set_properties(
        document,
        title="CRM Bid proposal template",
        subject="",
        author="CRM Bid Desktop",
        company="",
        when=date(2005, 8, 1),
    )
    target = ROOT / "resources" / "templates" / "proposal-template.docx"
    target.parent.mkdir(parents=True, exist_ok=True)
    docx_package.atomic_write(docx_package.document_bytes(document), target)
    print(f"wrote {target}")


if __name__ == "__main__":
    main()
