"""Where an export is saved, as typed in the Export page's "Save as" field: checked before use.

A keyboard user types or pastes the path instead of going through the file dialog, so the path
gets the dialog's checks here, each failure a message that names the path and what to change.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

#: Characters Windows refuses in a file name (and control characters).
_NOT_IN_NAMES = re.compile(r'[<>:"|?*\x00-\x1f]')


class ExportTargetError(ValueError):
    """The typed path cannot be saved to; the message says why and what to type instead."""


def checked_target(typed: str, bid_folder: Path) -> Path:
    """The .docx file `typed` names (relative to the bid's folder), or `ExportTargetError`.

    Quotes from Explorer's "Copy as path" are dropped and ".docx" is added when no extension
    was typed; the folder must exist and be writable, and the name must be one Windows accepts.
    """
    text = typed.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    if not text:
        raise ExportTargetError(
            "Save as: type where to save the document (for example "
            "C:\\Bids\\CRM proposal.docx), or press Choose…"
        )
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = bid_folder / path
    if path.is_dir():
        raise ExportTargetError(f"Save as “{path}”: that is a folder; add a file name.")
    name = path.name
    if not name or name in (".", ".."):
        raise ExportTargetError(f"Save as “{text}”: give a file name after the folder.")
    bad = sorted(set(_NOT_IN_NAMES.findall(name)))
    if bad:
        shown = " ".join(repr(char)[1:-1] if char < " " else char for char in bad)
        raise ExportTargetError(
            f"Save as “{name}”: a file name cannot contain {shown}. Change the name."
        )
    suffix = path.suffix.lower()
    if suffix == "":
        path = path.with_name(name + ".docx")
    elif suffix != ".docx":
        raise ExportTargetError(
            f"Save as “{name}”: the document is a Word .docx file; end the name with .docx."
        )
    folder = path.parent
    if not folder.is_dir():
        raise ExportTargetError(
            f"Save as “{path}”: the folder “{folder}” does not exist. Create it first, or "
            "choose another."
        )
    if not os.access(folder, os.W_OK):
        raise ExportTargetError(
            f"Save as “{path}”: the folder “{folder}” cannot be written to. Choose another."
        )
    return path
