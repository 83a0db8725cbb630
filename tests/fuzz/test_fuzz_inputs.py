"""Fuzzing the files the program reads from outside, starting from files it wrote itself.

Hypothesis mutates a real Word file (sections sent to a partner), a Word template and two
spreadsheets (the partners and products exports): bit flips, truncations, and zip-level damage
(parts swapped, duplicated, dropped, or their XML flipped inside and recompressed). Each mutant is
read by a child process capped at 4 GB of address space and a time-out, and must end in a clear
message or a correct result: never a traceback, a crash, a time-out, or a changed input file.

CRMBID_FUZZ_EXAMPLES sets the cases per file kind (default 40); the counts are printed at the end.
"""

from __future__ import annotations

import hashlib
import io
import os
import warnings
import zipfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.bounded import BoundedReader, Outcome

EXAMPLES = int(os.environ.get("CRMBID_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CRMBID_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
#: What the child may answer; anything else (traceback, memory, crashed, timeout) is a finding.
ACCEPTED = {"ok", "message"}
TALLY: Counter[str] = Counter()
FINDINGS: list[str] = []


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real files the program wrote: a Word file for a partner, a template, two spreadsheets."""
    from crmbid_desktop.app import main
    from crmbid_desktop.services.word.docx_export import default_template

    folder = tmp_path_factory.mktemp("seeds")
    os.environ.setdefault("CRMBID_HOME", str(folder / "home"))
    bid = folder / "bid.crmbid"
    assert main(["new", str(bid)]) == 0
    made = {
        "docx": folder / "sections.docx",
        "xlsx": folder / "partners.xlsx",
        "products": folder / "products.xlsx",
        "csv": folder / "partners.csv",
    }
    assert main(["export", str(bid), str(made["docx"]), "--sections", "2,3,4"]) == 0
    assert main(["export", str(bid), str(made["xlsx"])]) == 0
    assert main(["export", str(bid), str(made["products"])]) == 0
    assert main(["export", str(bid), str(made["csv"])]) == 0
    found = {kind: path.read_bytes() for kind, path in made.items()}
    found["template"] = default_template().read_bytes()
    return found


@pytest.fixture(scope="module")
def reader(request: pytest.FixtureRequest) -> Iterator[BoundedReader]:
    bounded = BoundedReader(timeout=60)
    yield bounded
    bounded.close()
    report = request.config.pluginmanager.getplugin("terminalreporter")
    if report is not None:
        counts = ", ".join(f"{key}: {value}" for key, value in sorted(TALLY.items()))
        report.write_line(f"fuzz cases by kind and outcome: {counts}")
        for finding in FINDINGS:
            report.write_line(f"fuzz finding: {finding}")


# -- mutations ------------------------------------------------------------------------------------


def _parts(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _pack(parts: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with (
        warnings.catch_warnings(),  # a duplicated part is the point of some mutations
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        warnings.simplefilter("ignore", UserWarning)
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return out.getvalue()


def _flip(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    if not data:
        return data
    changed = bytearray(data)
    for position, bit in flips:
        changed[position % len(changed)] ^= 1 << bit
    return bytes(changed)


flips = st.lists(
    st.tuples(st.integers(min_value=0, max_value=2**31), st.integers(0, 7)), min_size=1, max_size=8
)


@st.composite
def mutants(draw: st.DrawFn, seed: bytes, *, zipped: bool = True) -> tuple[str, bytes]:
    """(what was done, mutated bytes) from one of the seed file's mutations."""
    ways = ["flip bits", "truncate"]
    if zipped:
        ways += ["swap parts", "duplicate part", "drop part", "flip xml"]
    how = draw(st.sampled_from(ways))
    if how == "flip bits":
        return how, _flip(seed, draw(flips))
    if how == "truncate":
        return how, seed[: draw(st.integers(min_value=0, max_value=len(seed) - 1))]
    parts = _parts(seed)
    index = draw(st.integers(min_value=0, max_value=len(parts) - 1))
    name, data = parts[index]
    if how == "swap parts":
        other = draw(st.integers(min_value=0, max_value=len(parts) - 1))
        swapped = list(parts)
        swapped[index] = (name, parts[other][1])
        swapped[other] = (parts[other][0], data)
        return f"{how} {name}<->{parts[other][0]}", _pack(swapped)
    if how == "duplicate part":
        return f"{how} {name}", _pack([*parts, (name, _flip(data, draw(flips)))])
    if how == "drop part":
        return f"{how} {name}", _pack(parts[:index] + parts[index + 1 :])
    # Damage inside the XML, then recompress, so parsers (not just zlib) see the damage.
    xml = [i for i, (n, _d) in enumerate(parts) if n.endswith((".xml", ".rels"))]
    target = xml[draw(st.integers(min_value=0, max_value=len(xml) - 1))]
    damaged = list(parts)
    damaged[target] = (parts[target][0], _flip(parts[target][1], draw(flips)))
    return f"{how} {parts[target][0]}", _pack(damaged)


def _check(
    reader: BoundedReader, kind: str, label: str, how: str, data: bytes, folder: Path
) -> None:
    suffix = {"docx": ".docx", "template": ".dotx", "csv": ".csv"}.get(kind, ".xlsx")
    path = folder / f"mutant-{hashlib.sha256(data).hexdigest()[:12]}{suffix}"
    path.write_bytes(data)
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    outcome: Outcome = reader.read(kind, path)
    TALLY[f"{label} {outcome.outcome}"] += 1
    after = hashlib.sha256(path.read_bytes()).hexdigest()
    if outcome.outcome not in ACCEPTED:
        FINDINGS.append(f"{label}: {how}: {outcome.outcome}: {outcome.detail[-300:]}")
    assert outcome.outcome in ACCEPTED, f"{how}: {outcome.outcome}\n{outcome.detail}"
    assert before == after, f"{how}: the input file was changed"
    if outcome.outcome == "message":
        assert path.name in outcome.detail, f"{how}: the message does not name the file"
    path.unlink()


@pytest.mark.slow
@pytest.mark.parametrize(
    ("kind", "label"),
    [
        ("docx", "docx"),
        ("template", "template"),
        ("xlsx", "xlsx"),
        ("products", "products"),
        ("csv", "csv"),
    ],
)
def test_mutated_inputs_end_in_a_message_or_a_result(
    seeds: dict[str, bytes], reader: BoundedReader, tmp_path: Path, kind: str, label: str
) -> None:
    seed = seeds[label]

    @FUZZ
    @given(st.data())
    def case(data: st.DataObject) -> None:
        how, mutated = data.draw(mutants(seed, zipped=kind != "csv"))
        _check(reader, kind, label, how, mutated, tmp_path)

    case()


def test_the_seeds_themselves_read_cleanly(
    seeds: dict[str, bytes], reader: BoundedReader, tmp_path: Path
) -> None:
    for label, kind, suffix in (
        ("docx", "docx", "docx"),
        ("template", "template", "dotx"),
        ("xlsx", "xlsx", "xlsx"),
        ("products", "products", "xlsx"),
        ("csv", "csv", "csv"),
    ):
        path = tmp_path / f"seed-{label}.{suffix}"
        path.write_bytes(seeds[label])
        outcome = reader.read(kind, path)
        assert outcome.outcome == "ok", outcome
