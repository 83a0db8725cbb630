"""Does the take-back compare, running on a worker thread, keep the GUI thread from running?

The take-back dialog compares a section on a worker thread (ui/worker.Job), in pure Python
(diff-match-patch). A thread running Python holds the interpreter lock and hands it over every
`sys.getswitchinterval()` (5 ms) when another thread asks; a single long call into C that does
not release it (a full cyclic garbage collection over a big heap, a huge string search) would
freeze the window for as long as it runs.

This measures it without Qt: the main thread wakes every millisecond, as the GUI's timers do, and
records the longest wait between wake-ups while a worker compares a hostile 3,000-word section
the way the dialog does (`conflict_panel`'s word diff of both sides). It runs with and without a
heap of a few million earlier objects (what a long-running process or the test suite holds), with
the collector as the program leaves it after the first paint (`gc.freeze()` of start-up objects)
and with those objects left in the collector's sight.
Run: python tests/benchmarks/bench_gil_hold.py
"""

from __future__ import annotations

import gc
import random
import sys
import threading
import time

from crmbid_desktop.domain import textdiff
from crmbid_desktop.services.exchange.section_exchange import word_diff

VOCABULARY = [
    "council",
    "bid",
    "product",
    "academy",
    "roadmap",
    "partner",
    "funding",
    "review",
    "risk",
]


def hostile_pair(words: int = 3_000) -> tuple[str, str]:
    rng = random.Random(5)
    old = [rng.choice(VOCABULARY) for _ in range(words)]
    new = list(old)
    rng.shuffle(new)
    return " ".join(old), " ".join(new)


def longest_gap_while(work: object) -> tuple[float, float, int]:
    """(longest gap between the main thread's 1 ms wake-ups, seconds the work took, wake-ups)."""
    finished = threading.Event()
    took: list[float] = []

    def worker() -> None:
        started = time.perf_counter()
        work()  # type: ignore[operator]
        took.append(time.perf_counter() - started)
        finished.set()

    thread = threading.Thread(target=worker)
    last = time.perf_counter()
    longest = 0.0
    wakes = 0
    thread.start()
    while not finished.is_set():
        time.sleep(0.001)
        now = time.perf_counter()
        longest = max(longest, now - last)
        last = now
        wakes += 1
    thread.join()
    return longest, took[0], wakes


def compare_like_the_dialog(old: str, new: str) -> None:
    word_diff(old, new)
    textdiff.compare(old, new)


def busy_python(seconds: float) -> None:
    """Pure Python for `seconds`: what any thread running Python costs the others."""
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        pass


def main() -> None:
    old, new = hostile_pair()
    print(f"switch interval {sys.getswitchinterval() * 1000:.0f} ms")
    # The floor on this machine: the same wake-ups next to a worker that only sleeps, then
    # next to one that runs plain Python (the lock handed over every switch interval).
    for label, work in (
        ("a worker that sleeps 1 s (the machine's floor)", lambda: time.sleep(1.0)),
        ("a worker running plain Python for 1 s", lambda: busy_python(1.0)),
    ):
        gap, took, wakes = longest_gap_while(work)
        print(f"{label:<46} {took:6.2f} s, {wakes:5d} wake-ups, longest wait {gap * 1000:7.1f} ms")
    cases = [("empty heap", 0, False), ("4M objects, in the collector's sight", 4_000_000, False)]
    cases.append(("4M objects, frozen as after the first paint", 4_000_000, True))
    for label, objects, freeze in cases:
        heap = [[n] for n in range(objects)]  # lists: tracked by the cyclic collector
        if freeze:
            gc.collect()
            gc.freeze()
        gap, took, wakes = longest_gap_while(lambda: compare_like_the_dialog(old, new))
        print(
            f"{label:<46} compare {took:6.2f} s, {wakes:5d} wake-ups, "
            f"longest wait {gap * 1000:7.1f} ms"
        )
        if freeze:
            gc.unfreeze()
        del heap
        gc.collect()
    sys.setswitchinterval(0.001)
    gap, took, wakes = longest_gap_while(lambda: compare_like_the_dialog(old, new))
    print(
        f"{'switch interval 1 ms, empty heap':<46} compare {took:6.2f} s, {wakes:5d} wake-ups, "
        f"longest wait {gap * 1000:7.1f} ms"
    )


if __name__ == "__main__":
    main()
