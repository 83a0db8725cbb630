"""Run one read of an input file in a child process capped in memory (RLIMIT_AS) and time.

The child prints one JSON line: {"outcome": "ok"|"message"|"traceback", "detail": ...}. A child
killed by the memory cap or the clock shows up as a non-zero exit with no JSON, which the tests
count as a failure: "a clear message or a correct result, never a traceback".
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The issue's cap for every attack: 4 GB of address space, far above what a read needs.
MEMORY_LIMIT = 4 * 1024**3

_CHILD = r"""
import json, resource, sys, traceback
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
kind, path = sys.argv[2], sys.argv[3]
from pathlib import Path

def read():
    if kind == "docx":
        from crmbid_desktop.services.docx_reader import read_document
        from crmbid_desktop.services.docx_safety import open_package
        document = read_document(open_package(Path(path)))
        return f"{len(document.sections)} sections"
    if kind == "template":
        from crmbid_desktop.services.proposal_export import check_template
        check_template(Path(path))
        return "template usable"
    if kind == "xlsx":
        from crmbid_desktop.services.partner_import import PARTNER_FIELDS, CONTACT_FIELDS
        from crmbid_desktop.services.tabular import read_table
        table = read_table(Path(path), PARTNER_FIELDS + CONTACT_FIELDS)
        return f"{len(table.rows)} rows"
    raise SystemExit(f"unknown kind {kind}")

try:
    detail = read()
except (ValueError, OSError) as error:
    outcome, detail = "message", str(error)
except MemoryError:
    outcome, detail = "memory", "MemoryError"
except BaseException:
    outcome, detail = "traceback", traceback.format_exc()
else:
    outcome = "ok"
print(json.dumps({"outcome": outcome, "detail": detail}))
"""


@dataclass(frozen=True)
class Outcome:
    outcome: str
    detail: str
    exit_code: int


def read_bounded(
    kind: str, path: Path, *, timeout: float = 60, memory: int = MEMORY_LIMIT
) -> Outcome:
    """Read `path` as `kind` (docx, template, xlsx) in a capped child process."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD, str(memory), kind, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Outcome("timeout", f"still reading after {timeout} s", -1)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return Outcome("crashed", done.stderr[-2000:], done.returncode)
    found = json.loads(lines[-1])
    return Outcome(found["outcome"], found["detail"], done.returncode)
