"""Run one read of an input file in a child process capped in memory (RLIMIT_AS) and time.

The child prints one JSON line: {"outcome": "ok"|"message"|"traceback", "detail": ...}. A child
killed by the memory cap or the clock shows up as a non-zero exit with no JSON, which the tests
count as a failure: "a clear message or a correct result, never a traceback".
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The issue's cap for every attack: 4 GB of address space, far above what a read needs.
MEMORY_LIMIT = 4 * 1024**3

_CHILD = r"""
import json, sys, traceback
limit = int(sys.argv[1])
try:
    import resource
except ImportError:  # Windows has no address-space limit to set; the clock still bounds the read
    resource = None
if resource is not None:
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path

def read(kind, path):
    if kind == "docx":
        from crmbid_desktop.services.word.docx_reader import read_document
        from crmbid_desktop.services.word.docx_safety import open_package
        document = read_document(open_package(Path(path)))
        whole = document.convert(document.blocks)  # every block to Markdown, as take-back does
        return f"{len(document.blocks)} blocks, {len(whole.text('accept'))} characters"
    if kind == "template":
        from crmbid_desktop.services.word.proposal_export import check_template
        check_template(Path(path))
        return "template usable"
    if kind == "xlsx":
        from crmbid_desktop.services.spreadsheets.partner_import import PARTNER_FIELDS, CONTACT_FIELDS
        from crmbid_desktop.services.spreadsheets.tabular import read_table
        table = read_table(Path(path), PARTNER_FIELDS + CONTACT_FIELDS)
        return f"{len(table.rows)} rows"
    if kind in ("products", "csv"):
        from crmbid_desktop.services.spreadsheets.partner_import import PARTNER_FIELDS, CONTACT_FIELDS
        from crmbid_desktop.services.spreadsheets.products_io import FIELDS
        from crmbid_desktop.services.spreadsheets.tabular import read_table
        fields = FIELDS if kind == "products" else PARTNER_FIELDS + CONTACT_FIELDS
        table = read_table(Path(path), fields)
        return f"{len(table.rows)} rows"
    raise SystemExit(f"unknown kind {kind}")

def one(kind, path):
    try:
        detail = read(kind, path)
    except (ValueError, OSError) as error:
        outcome, detail = "message", str(error)
    except MemoryError:
        outcome, detail = "memory", "MemoryError"
    except BaseException:
        outcome, detail = "traceback", traceback.format_exc()
    else:
        outcome = "ok"
    print(json.dumps({"outcome": outcome, "detail": detail}), flush=True)

if len(sys.argv) > 3:
    one(sys.argv[2], sys.argv[3])
else:
    for line in sys.stdin:  # a worker: "kind<TAB>path" per line, one JSON answer per line
        kind, path = line.rstrip("\n").split("\t", 1)
        one(kind, path)
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


class BoundedReader:
    """A long-lived capped child reading one file per request, restarted after a crash or a
    time-out, so hundreds of fuzz cases do not each pay for starting Python and its imports."""

    def __init__(self, *, timeout: float = 30, memory: int = MEMORY_LIMIT) -> None:
        self.timeout = timeout
        self.memory = memory
        self._child: subprocess.Popen[str] | None = None
        self._errors = tempfile.TemporaryFile("w+")  # noqa: SIM115 - lives as long as the reader

    def _start(self) -> subprocess.Popen[str]:
        env = dict(os.environ)
        root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = root + os.pathsep + env.get("PYTHONPATH", "")
        return subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            # A file, not a pipe: a chatty child must never block on a full stderr pipe.
            stderr=self._errors,
            text=True,
            env=env,
        )

    def read(self, kind: str, path: Path) -> Outcome:
        child = self._child = self._child or self._start()
        assert child.stdin is not None and child.stdout is not None
        try:
            child.stdin.write(f"{kind}\t{path}\n")
            child.stdin.flush()
        except BrokenPipeError:
            return self._lost("crashed")
        ready, _, _ = select.select([child.stdout], [], [], self.timeout)
        if not ready:
            return self._lost("timeout")
        line = child.stdout.readline()
        if not line:
            return self._lost("crashed")
        found = json.loads(line)
        return Outcome(found["outcome"], found["detail"], 0)

    def _lost(self, outcome: str) -> Outcome:
        child, self._child = self._child, None
        assert child is not None
        child.kill()
        child.wait(timeout=30)
        _close_pipes(child)
        self._errors.seek(0)
        err = self._errors.read()[-2000:]
        self._errors.seek(0)
        self._errors.truncate()
        return Outcome(outcome, err, child.returncode)

    def close(self) -> None:
        if self._child is not None:
            assert self._child.stdin is not None
            self._child.stdin.close()
            self._child.wait(timeout=30)
            _close_pipes(self._child)
            self._child = None
        self._errors.close()


def _close_pipes(child: subprocess.Popen[str]) -> None:
    for pipe in (child.stdin, child.stdout):
        if pipe is not None:
            with contextlib.suppress(OSError):  # a broken pipe to a child that was killed
                pipe.close()
