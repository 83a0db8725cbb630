"""Word differences for take-back and version compare: lightly edited and hostile sections.

Prints seconds for `section_exchange.word_diff` and `textdiff.compare` on a 1,500- and a
3,000-word section with light edits (the issue's 8.8 s and 56 s cases), a 20,000-word one, and
hostile pairs (every word changed; the same few words shuffled), which the deadline bounds.
Run: python tests/benchmarks/bench_diffs.py
"""

from __future__ import annotations

import random
import time

from crmbid_desktop.domain import textdiff
from crmbid_desktop.services.exchange.section_exchange import word_diff

VOCABULARY = [
    *[
        "the",
        "council",
        "will",
        "keep",
        "refresh",
        "merge",
        "retire",
        "products",
        "academy",
        "roadmap",
        "partners",
    ],
    *["funding", "support", "training", "helpdesk", "standards", "review", "governance", "board"],
    *[
        "transition",
        "risk",
        "measures",
        "local",
        "authorities",
        "promotion",
        "take-up",
        "maintenance",
    ],
    *["budget", "sustainability", "strategy"],
]


def section(words: int, seed: int) -> str:
    rng = random.Random(seed)
    paragraphs = []
    for start in range(0, words, 120):
        count = min(120, words - start)
        paragraphs.append(" ".join(rng.choice(VOCABULARY) for _ in range(count)) + ".")
    return "\n\n".join(paragraphs)


def lightly_edited(text: str, seed: int, every: int = 60) -> str:
    rng = random.Random(seed)
    words = text.split(" ")
    for index in range(0, len(words), every):
        spot = min(len(words) - 1, index + rng.randrange(every))
        if "\n" in words[spot]:
            continue
        words[spot] = rng.choice(["amended", "partnership", "Leeds", "Newham", "2005"])
    return " ".join(words)


def timed(label: str, work: object) -> float:
    start, cpu = time.perf_counter(), time.process_time()
    work()  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:8.3f} s wall {time.process_time() - cpu:8.3f} s CPU")
    return seconds


def rewritten(text: str, seed: int, every: int) -> str:
    """One word in `every` replaced by a word the text does not use (a heavier edit)."""
    rng = random.Random(seed)
    words = text.split(" ")
    for index in range(0, len(words), every):
        words[index] = f"new{rng.randrange(1000)}"
    return " ".join(words)


def matching() -> None:
    """Finding a section by its text (take-back, markers gone) and keeping the bid's spelling."""
    from crmbid_desktop.services.exchange.markdown_compare import keep_unchanged_spelling
    from crmbid_desktop.services.exchange.section_matching import similarity

    sent = section(3_000, 21)
    for every, what in ((60, "light edits"), (5, "one word in 5 new"), (3, "one word in 3 new")):
        edited = rewritten(sent, every, every)
        found: list[float] = []
        timed(
            f"similarity, 3,000 words, {what}",
            lambda e=edited, f=found: f.append(similarity(sent, e)),
        )
        print(f"{'':<58} score {found[0]:.3f}")
    shuffled = sent.split(" ")
    random.Random(22).shuffle(shuffled)
    timed(
        "similarity, 3,000 words shuffled (hostile)", lambda: similarity(sent, " ".join(shuffled))
    )
    blocks = [f"*{word}* {n}" for n, word in enumerate(sent.split(" "))]
    moved = [b.replace("*", "_") for b in blocks]
    random.Random(23).shuffle(moved)
    timed(
        "keep_unchanged_spelling, 3,000 paragraphs, most moved",
        lambda: keep_unchanged_spelling("\n\n".join(blocks), "\n\n".join(moved)),
    )


def main() -> None:
    matching()
    for words in (1_500, 3_000, 20_000):
        old = section(words, words)
        new = lightly_edited(old, words + 1)
        timed(f"word_diff, {words:,} words, light edits", lambda o=old, n=new: word_diff(o, n))
        timed(
            f"textdiff.compare, {words:,} words, light edits",
            lambda o=old, n=new: textdiff.compare(o, n),
        )
    old = section(3_000, 7)
    rng = random.Random(8)
    shuffled = old.split(" ")
    rng.shuffle(shuffled)
    hostile = " ".join(shuffled)
    timed("word_diff, 3,000 words shuffled (hostile)", lambda: word_diff(old, hostile))
    timed("textdiff.compare, 3,000 words shuffled", lambda: textdiff.compare(old, hostile))
    big_old = section(60_000, 9)
    big_new = " ".join(reversed(big_old.split(" ")))
    timed("word_diff, 60,000 words reversed (hostile)", lambda: word_diff(big_old, big_new))
    lines_old = "\n".join(section(30, n) for n in range(5_000))
    lines_new = "\n".join(section(30, n + 1) for n in range(5_000))
    timed(
        "textdiff.compare, 5,000 lines each changed (hostile)",
        lambda: textdiff.compare(lines_old, lines_new),
    )


if __name__ == "__main__":
    main()
