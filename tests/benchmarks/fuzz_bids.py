"""Fuzz bid files at length and print counts: cases run, outcomes, and any findings.

Each case is a Hypothesis mutation of a real bid (tests/helpers/bid_fuzz.py) run through
check, merge as a partner's copy and the exports, in a child process capped at 2 GB and 120 s
of CPU. A finding is a traceback, a time-out, a changed input file or a failure without a
clear message.
Run: PYTHONPATH=. /work/venv/bin/python tests/benchmarks/fuzz_bids.py [CASES]
"""

from __future__ import annotations

import collections
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from hypothesis import HealthCheck, given, settings

from tests.helpers import bid_fuzz


def main(cases: int) -> int:
    root = Path(tempfile.mkdtemp(prefix="bid-fuzz-"))
    sources = bid_fuzz.make_sources(root / "sources")
    kinds: collections.Counter[str] = collections.Counter()
    outcomes: collections.Counter[str] = collections.Counter()
    findings: list[tuple[object, str]] = []
    number = 0
    started = time.perf_counter()

    @settings(
        max_examples=cases,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(mutation=bid_fuzz.mutations)
    def one(mutation: tuple[object, ...]) -> None:
        nonlocal number
        number += 1
        folder = root / f"case-{number}"
        folder.mkdir()
        mutated = folder / "received.crmbid"
        bid_fuzz.apply(mutation, sources, mutated)
        outcome = bid_fuzz.run_case(mutated, sources.bid, folder / "out", folder / "home")
        kinds[str(mutation[0])] += 1
        check = outcome.results.get("check")
        export = outcome.results.get("export")
        outcomes[
            f"check {'sound' if check == 0 else 'refused'}, export "
            f"{'ok' if export == 0 else 'refused'}"
        ] += 1
        if outcome.finding:
            findings.append((mutation, outcome.finding))
            print(f"FINDING {mutation!r}: {outcome.finding}", flush=True)

    one()
    seconds = time.perf_counter() - started
    print(f"cases run: {number} in {seconds:.0f} s")
    print("by mutation:", dict(sorted(kinds.items())))
    print("outcomes:", dict(sorted(outcomes.items())))
    print(f"findings: {len(findings)}")
    for mutation, finding in findings:
        print(f"  {mutation!r}: {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
