"""Fuzzed bid files: a clear message or a correct result, never a traceback, never a changed input.

Hypothesis mutates a real bid (bit flips in the header, schema and other pages, truncations,
foreign triggers, views, tables, indexes and columns with hostile names, rows with wrong types,
write-ahead logs from another file or damaged) and each case runs check, merge (as a partner's
copy), and the exports in a child process capped in memory and time. More cases, with counts:
tests/benchmarks/fuzz_bids.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from tests.helpers import bid_fuzz

EXAMPLES = int(os.environ.get("CRMBID_FUZZ_EXAMPLES", "12"))


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> bid_fuzz.Sources:
    return bid_fuzz.make_sources(tmp_path_factory.mktemp("fuzz-sources"))


@pytest.mark.timeout(3600)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(mutation=bid_fuzz.mutations)
def test_a_mutated_bid_gets_a_message_or_a_result_never_a_traceback(
    mutation: tuple[object, ...],
    sources: bid_fuzz.Sources,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("case")
    mutated = folder / "received.crmbid"
    bid_fuzz.apply(mutation, sources, mutated)
    outcome = bid_fuzz.run_case(mutated, sources.bid, folder / "out", folder / "home")
    assert outcome.finding == "", (mutation, outcome.stderr[-2000:])


@pytest.mark.timeout(600)
@pytest.mark.parametrize(
    "mutation",
    [
        ("flip", "schema", [(41, 3), (977, 7), (2001, 1)]),
        ("truncate", 0.5, True),
        ("foreign", "trigger", "a AFTER INSERT ON main.partner BEGIN SELECT 1; END; --"),
        ("row", "task", 1, "2005-02-30", "first"),
        ("wal", "foreign with id", 0),
    ],
    ids=["schema-flip", "truncated", "hostile-trigger", "bad-date", "foreign-wal"],
)
def test_known_hostile_files_are_refused_with_a_message(
    mutation: tuple[object, ...], sources: bid_fuzz.Sources, tmp_path: Path
) -> None:
    mutated = tmp_path / "received.crmbid"
    bid_fuzz.apply(mutation, sources, mutated)
    outcome = bid_fuzz.run_case(mutated, sources.bid, tmp_path / "out", tmp_path / "home")
    assert outcome.finding == "", outcome.stderr[-2000:]
    assert outcome.results["check"] == 1  # every one of these is reported unsound
