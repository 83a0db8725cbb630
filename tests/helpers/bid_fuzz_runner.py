"""Run the commands a user would on one mutated bid, in a child process, letting errors escape.

Usage: bid_fuzz_runner.py MUTATED.crmbid GOOD_BASE.crmbid WORK_DIR
Prints one JSON line of each command's exit code. Exits 3 when `check` changed the file, 4
when a refused file was changed, 5 when merge changed the partner's copy, and with Python's
traceback (exit 1) when anything escaped as an exception: what the fuzz test counts as a finding.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    for suffix in ("", "-wal"):
        with contextlib.suppress(FileNotFoundError):
            digest.update(Path(str(path) + suffix).read_bytes())
        digest.update(b"|")
    return digest.hexdigest()


def run(arguments: list[str]) -> tuple[int, str]:
    from crmbid_desktop import cli

    err = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        try:
            code = cli.run(arguments)
        except SystemExit as stop:  # argparse's own exits are messages, not crashes
            code = int(stop.code or 0)
    return code, err.getvalue()


def main() -> int:
    mutated, base, work = (Path(argument) for argument in sys.argv[1:4])
    results: dict[str, object] = {}
    before = fingerprint(mutated)
    results["check"], _ = run(["check", str(mutated)])
    if fingerprint(mutated) != before:
        print(json.dumps(results))
        return 3
    merge_code, merge_err = run(["merge", str(base), str(mutated), "--dry-run"])
    results["merge"] = merge_code
    if fingerprint(mutated) != before:
        print(json.dumps(results))
        return 5
    code, err = run(["export", str(mutated), str(work / "partners.csv")])
    results["export"] = code
    results["export_error"] = err.strip()[:300]
    results["merge_error"] = merge_err.strip()[:300]
    if code != 0 and fingerprint(mutated) != before:
        print(json.dumps(results))
        return 4
    if code == 0:
        results["ics"], _ = run(["export", str(mutated), str(work / "timetable.ics")])
        results["docx"], _ = run(["export", str(mutated), str(work / "proposal.docx"), "--draft"])
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
