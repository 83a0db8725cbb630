"""Several simulated users editing one bid at once through the services, and the audit of what
they did: no save lost, and every conflict reported a true one.

Each user is a thread with a Workspace of its own (its own connection), which loads a form
(partner fields, section details or one paragraph of a section's text), waits a little as a
person would, and saves through the versioned services. Every save's result is kept in a ledger
(the row's values and version after it); `audit` replays the ledger row by row in version order.
Used by tests/services/test_five_users.py (a few seconds) and tests/benchmarks/bench_five_users.py.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from crmbid_desktop.paths import AppPaths
from crmbid_desktop.services.bid import versioned
from crmbid_desktop.services.bid.bid_files import open_workspace
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.registers import partners, section_saves
from crmbid_desktop.services.registers.sections import outline_rows
from crmbid_desktop.store.models import Partner, Section

PARAGRAPHS = 6
USERS = (
    "Alice (Leeds)",
    "Bob (Wakefield)",
    "Carol (Bradford)",
    "Dev (Kirklees)",
    "Eve (Calderdale)",
)
PARTNER_FIELDS = ("region", "signatory", "staff_days")
DETAIL_FIELDS = ("reviewer", "word_limit")


@dataclass
class Save:
    """One save a user made: what the form loaded, what it wanted, and the result."""

    who: str
    row: tuple[str, int]
    loaded: versioned.Loaded
    wanted: dict[str, object]
    result: versioned.SaveResult
    seconds: float
    finished: float
    #: The paragraph a text save changed, and its new text.
    paragraph: tuple[int, str] | None = None


@dataclass
class Ledger:
    saves: list[Save] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    initial: dict[tuple[str, int], versioned.Loaded] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, save: Save) -> None:
        with self.lock:
            self.saves.append(save)


def paragraph_text(index: int, note: str) -> str:
    return f"Paragraph {index}: {note}."


def body_of(paragraphs: list[str]) -> str:
    return "\n\n".join(paragraphs)


def prepare(workspace: Workspace) -> tuple[list[int], list[int]]:
    """Two councils and two sections with six paragraphs each: what the users fight over."""
    with workspace.reading() as session:
        partner_ids = [p.id for p in session.query(Partner).order_by(Partner.id).limit(2)]
    while len(partner_ids) < 2:
        partner_ids.append(
            partners.add_partner(
                workspace, partners.PartnerFields(name=f"Council {len(partner_ids)}")
            )
        )
    section_ids = [row.id for row in outline_rows(workspace, text=False)[:2]]
    for section_id in section_ids:
        start = body_of([paragraph_text(i, "as drafted") for i in range(PARAGRAPHS)])
        section_saves.save_body(
            workspace, section_id, section_saves.load_body(workspace, section_id), start
        )
    return partner_ids, section_ids


def _one_save(
    workspace: Workspace,
    chance: random.Random,
    partner_ids: list[int],
    section_ids: list[int],
    counter: int,
    think: float,
) -> Save:
    kind = chance.choice(("partner", "text", "text", "details"))
    who = workspace.user
    paragraph: tuple[int, str] | None = None
    if kind == "partner":
        row_id = chance.choice(partner_ids)
        row = ("partner", row_id)
        loaded = versioned.load(workspace, Partner, row_id, PARTNER_FIELDS)
        name = chance.choice(PARTNER_FIELDS)
        value: object = chance.randint(0, 40) if name == "staff_days" else f"{who} {counter}"
        wanted = {**loaded.values, name: value}
        save = lambda: versioned.save_fields(  # noqa: E731
            workspace, Partner, row_id, loaded, wanted,
            describe=lambda writes: f"Changed {', '.join(writes)}", entity="partner",
        )  # fmt: skip
    elif kind == "details":
        row_id = chance.choice(section_ids)
        row = ("section_details", row_id)
        loaded = section_saves.load_details(workspace, row_id)
        loaded = versioned.Loaded(loaded.version, {n: loaded.values[n] for n in DETAIL_FIELDS})
        name = chance.choice(DETAIL_FIELDS)
        value = chance.randint(100, 2000) if name == "word_limit" else f"{who} {counter}"
        wanted = {**loaded.values, name: value}
        save = lambda: section_saves.save_details(workspace, row_id, loaded, **wanted)  # noqa: E731
    else:
        row_id = chance.choice(section_ids)
        row = ("section", row_id)
        loaded = section_saves.load_body(workspace, row_id)
        paragraphs = str(loaded.values["body"]).split("\n\n")
        index = chance.randrange(PARAGRAPHS)
        paragraphs[index] = paragraph_text(index, f"{who} {counter}")
        paragraph = (index, paragraphs[index])
        new_body = body_of(paragraphs)
        wanted = {"body": new_body}
        save = lambda: section_saves.save_body(  # noqa: E731
            workspace, row_id, loaded, new_body, now=datetime(2005, 8, 1, 9, 0)
        )
    time.sleep(chance.uniform(0, think))  # the user types before saving
    started = time.perf_counter()
    result = save()
    finished = time.perf_counter()
    return Save(who, row, loaded, wanted, result, finished - started, finished, paragraph)


def run_users(
    place: str | Path,
    paths: AppPaths,
    *,
    seconds: float,
    users: int = 5,
    think: float = 0.02,
    seed: int = 2005,
    on_save: Callable[[Save], None] | None = None,
    processes: bool = False,
) -> Ledger:
    """`users` threads editing the bid at `place` for `seconds`; the ledger of every save."""
    ledger = Ledger()
    setup = open_workspace(place, paths, user="Setup")
    try:
        partner_ids, section_ids = prepare(setup)
        for partner_id in partner_ids:
            ledger.initial[("partner", partner_id)] = versioned.load(
                setup, Partner, partner_id, PARTNER_FIELDS
            )
        for section_id in section_ids:
            ledger.initial[("section", section_id)] = section_saves.load_body(setup, section_id)
            details = section_saves.load_details(setup, section_id)
            ledger.initial[("section_details", section_id)] = versioned.Loaded(
                details.version, {n: details.values[n] for n in DETAIL_FIELDS}
            )
    finally:
        setup.close()
    plan = (str(place), paths, partner_ids, section_ids, think, seed, seconds)
    if processes:
        # One process per user, as real users are separate machines: no shared interpreter.
        # Spawned, not forked: a forked child would close the parent's server connections.
        import multiprocessing

        context = multiprocessing.get_context("spawn")
        barrier = context.Barrier(users)
        queue = context.Queue()
        workers = [
            context.Process(target=_user_process, args=(plan, n, barrier, queue))
            for n in range(users)
        ]
        for worker in workers:
            worker.start()
        for _ in workers:
            saves, failures = queue.get()
            for save in saves:
                ledger.add(save)
            ledger.failures.extend(failures)
        for worker in workers:
            worker.join()
        return ledger
    start_line = threading.Barrier(users)

    def user(number: int) -> None:
        saves, failures = _user(plan, number, start_line, on_save)
        for save in saves:
            ledger.add(save)
        ledger.failures.extend(failures)

    threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return ledger


Plan = tuple[str, AppPaths, list[int], list[int], float, int, float]


def _user_process(plan: Plan, number: int, start_line: Any, queue: Any) -> None:
    queue.put(_user(plan, number, start_line, None))


def _user(
    plan: Plan,
    number: int,
    start_line: Any,
    on_save: Callable[[Save], None] | None,
) -> tuple[list[Save], list[str]]:
    """One user's editing until the plan's stop time: their saves, and any failure."""
    place, paths, partner_ids, section_ids, think, seed, seconds = plan
    chance = random.Random(seed + number)
    saves: list[Save] = []
    failures: list[str] = []
    workspace = open_workspace(place, paths, user=USERS[number % len(USERS)])
    try:
        if start_line is not None:
            start_line.wait()
        stop = time.perf_counter() + seconds
        counter = 0
        while time.perf_counter() < stop:
            counter += 1
            try:
                save = _one_save(workspace, chance, partner_ids, section_ids, counter, think)
            except Exception as error:
                failures.append(f"{workspace.user}: {type(error).__name__}: {error}")
                continue
            saves.append(save)
            if on_save is not None:
                on_save(save)
    finally:
        workspace.close()
    return saves, failures


@dataclass
class Audit:
    saves: int
    written: int
    conflicts: int
    lost: list[str]
    false_conflicts: list[str]


def audit(ledger: Ledger, final: dict[tuple[str, int], dict[str, object]]) -> Audit:
    """Replay each row's saves in version order: every written field (every changed paragraph)
    must survive unless a later save wrote it; every conflict must be a true one."""
    lost: list[str] = []
    false_conflicts: list[str] = []
    by_row: dict[tuple[str, int], list[Save]] = {}
    for save in ledger.saves:
        by_row.setdefault(save.row, []).append(save)
    for row, saves in by_row.items():
        # The row's values after each version, as the saves that wrote them saw them.
        states: dict[int, dict[str, object]] = {
            ledger.initial[row].version: dict(ledger.initial[row].values)
        }
        for save in saves:
            if save.result.written:
                states[save.result.now.version] = dict(save.result.now.values)
        writes = sorted((s for s in saves if s.result.written), key=lambda s: s.result.now.version)
        last_field: dict[str, object] = {}
        last_paragraph: dict[int, str] = {}
        for save in writes:
            if row[0] == "section":
                assert save.paragraph is not None
                last_paragraph[save.paragraph[0]] = save.paragraph[1]
            else:
                for name in save.result.written:
                    last_field[name] = save.wanted[name]
        if row[0] != "section":
            # A save may write a field only over the value its user saw: overwriting a value
            # saved since the form was loaded, unseen, is an edit lost too.
            previous = dict(ledger.initial[row].values)
            for save in writes:
                for name in save.result.written:
                    if save.loaded.values[name] != previous[name]:
                        lost.append(f"{row} {name}: {save.who} overwrote {previous[name]!r} unseen")
                previous = dict(save.result.now.values)
        if row[0] == "section":
            final_paragraphs = str(final[row]["body"]).split("\n\n")
            for index, text in last_paragraph.items():
                if final_paragraphs[index] != text:
                    lost.append(f"{row} paragraph {index}: {text!r} is not in the final text")
        else:
            for name, value in last_field.items():
                if final[row][name] != value:
                    lost.append(f"{row} {name}: last saved {value!r}, finally {final[row][name]!r}")
        versions = sorted(states)
        for save in saves:
            for conflict in save.result.conflicts:
                seen = max(v for v in versions if v <= save.result.now.version)
                state = states[seen]
                theirs = state.get(conflict.field)
                true = (
                    conflict.theirs == theirs
                    and conflict.loaded != conflict.theirs
                    and conflict.mine not in (conflict.loaded, conflict.theirs)
                )
                if row[0] == "section" and true:
                    # A text conflict is true only when the paragraph this user changed was
                    # changed by someone else since the form was loaded.
                    assert save.paragraph is not None
                    index = save.paragraph[0]
                    before = str(conflict.loaded).split("\n\n")[index]
                    now = str(theirs).split("\n\n")[index]
                    true = before != now
                if not true:
                    false_conflicts.append(f"{save.who} on {row}: {conflict}")
    written = sum(1 for s in ledger.saves if s.result.written)
    conflicts = sum(len(s.result.conflicts) for s in ledger.saves)
    return Audit(len(ledger.saves), written, conflicts, lost, false_conflicts)


def final_state(
    place: str | Path, paths: AppPaths, rows: list[tuple[str, int]]
) -> dict[tuple[str, int], dict[str, object]]:
    workspace = open_workspace(place, paths, user="Auditor")
    try:
        found: dict[tuple[str, int], dict[str, object]] = {}
        for kind, row_id in rows:
            if kind == "partner":
                loaded = versioned.load(workspace, Partner, row_id, PARTNER_FIELDS)
            elif kind == "section":
                loaded = versioned.load(workspace, Section, row_id, ("body",))
            else:
                loaded = versioned.load(workspace, Section, row_id, DETAIL_FIELDS)
            found[(kind, row_id)] = dict(loaded.values)
        return found
    finally:
        workspace.close()
