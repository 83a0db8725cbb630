"""Edit a Word file the way a partner does in LibreOffice Writer, through UNO, then save it.

Run with the system Python that has LibreOffice's `uno` module (Debian's python3-uno), never
imported by the tests themselves:

    python3 lo_edit.py IN OUT EDITS.json [--via-odt]

EDITS is a list of {"op": ..., ...}:
  {"op": "replace", "find": "old words", "with": "new words", "tracked": false}
  {"op": "append_after", "find": "text of a paragraph", "text": "a new paragraph"}
  {"op": "delete_paragraph", "find": "text of the paragraph"}
The output is saved as Word 2007-365 .docx (through .odt first with --via-odt).
(Comments are not made here: LibreOffice 7.4 run headless through UNO crashes on opening or
saving a document with comments; the tests check comments through its --convert-to re-save.)
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uno
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]
from com.sun.star.connection import NoConnectException  # type: ignore[import-not-found]


def _prop(name: str, value: Any) -> PropertyValue:
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe: str, profile: str) -> tuple[subprocess.Popen[bytes], Any]:
    office = subprocess.Popen(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--invisible",
            "--norestore",
            f"--accept=pipe,name={pipe};urp;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline or office.poll() is not None:
                office.kill()
                raise
            time.sleep(0.3)
    desktop = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", context
    )
    return office, desktop


def _find(doc: Any, text: str) -> Any:
    search = doc.createSearchDescriptor()
    search.SearchString = text
    search.SearchCaseSensitive = True
    found = doc.findFirst(search)
    if found is None:
        raise SystemExit(f"not found in the document: {text!r}")
    return found


def _apply(doc: Any, edit: dict[str, object]) -> None:
    op = edit["op"]
    if op == "replace":
        doc.RecordChanges = bool(edit.get("tracked", False))
        found = _find(doc, str(edit["find"]))
        found.setString(str(edit["with"]))
        doc.RecordChanges = False
    elif op == "append_after":
        doc.RecordChanges = bool(edit.get("tracked", False))
        found = _find(doc, str(edit["find"]))
        cursor = found.getText().createTextCursorByRange(found.getEnd())
        cursor.gotoEndOfParagraph(False)
        text = found.getText()
        # A paragraph break, then the new text: the new paragraph takes the paragraph's style.
        text.insertControlCharacter(cursor, 0, False)  # PARAGRAPH_BREAK
        text.insertString(cursor, str(edit["text"]), False)
        doc.RecordChanges = False
    elif op == "delete_paragraph":
        found = _find(doc, str(edit["find"]))
        cursor = found.getText().createTextCursorByRange(found.getStart())
        cursor.gotoStartOfParagraph(False)
        cursor.gotoEndOfParagraph(True)
        cursor.goRight(1, True)  # and the paragraph mark
        cursor.setString("")
    else:
        raise SystemExit(f"unknown edit {op!r}")


def main() -> None:
    source, target, edits_path = (Path(arg).resolve() for arg in sys.argv[1:4])
    via_odt = "--via-odt" in sys.argv[4:]
    edits = json.loads(edits_path.read_text())
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    pipe = f"crmbid{os.getpid()}"
    office, desktop = _connect(pipe, profile)
    try:
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(str(source)), "_blank", 0, (_prop("Hidden", True),)
        )
        for edit in edits:
            _apply(doc, edit)
        if via_odt:
            odt = target.with_suffix(".odt")
            doc.storeToURL(uno.systemPathToFileUrl(str(odt)), (_prop("FilterName", "writer8"),))
            doc.close(True)
            doc = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(str(odt)), "_blank", 0, (_prop("Hidden", True),)
            )
        doc.storeToURL(
            uno.systemPathToFileUrl(str(target)), (_prop("FilterName", "MS Word 2007 XML"),)
        )
        doc.close(True)
    finally:
        # The office may already be gone; it is killed below either way.
        with contextlib.suppress(Exception):
            desktop.terminate()
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main()
