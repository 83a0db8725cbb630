"""Word and line differences: always correct, near-linear on real edits, bounded on hostile text."""

from __future__ import annotations

import itertools
import random
import time

from hypothesis import given, settings
from hypothesis import strategies as st

from crmbid_desktop.domain import textdiff
from crmbid_desktop.domain.textdiff import EQUAL, DeadlineMatcher, token_diff
from crmbid_desktop.services.exchange.section_exchange import word_diff

words = st.lists(st.sampled_from(["the", "council", "bid", " ", "\n", ",", "Leeds", "é"]))


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_opcodes_turn_one_sequence_into_the_other(a: list[str], b: list[str]) -> None:
    rebuilt: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in token_diff(a, b):
        assert (i1, j1) == (i, j)  # contiguous, in order
        if tag == EQUAL:
            assert a[i1:i2] == b[j1:j2]
        rebuilt += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b))
    assert rebuilt == b


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_word_diff_pieces_rebuild_both_texts(old: str, new: str) -> None:
    pieces = word_diff(old, new)
    assert "".join(text for op, text in pieces if op != "insert") == old
    assert "".join(text for op, text in pieces if op != "delete") == new


def test_word_diff_marks_the_changed_word() -> None:
    assert word_diff("the old text", "the new text") == [
        ("equal", "the "),
        ("delete", "old"),
        ("insert", "new"),
        ("equal", " text"),
    ]


def _section(count: int, seed: int) -> str:
    rng = random.Random(seed)
    vocabulary = [
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
    return " ".join(rng.choice(vocabulary) for _ in range(count))


def test_3000_lightly_edited_words_take_well_under_a_second() -> None:
    old = _section(3_000, 1)
    tokens = old.split(" ")
    for index in range(0, len(tokens), 50):
        tokens[index] = "amended"
    new = " ".join(tokens)
    started = time.perf_counter()
    pieces = word_diff(old, new)
    assert time.perf_counter() - started < 1.0
    assert sum(1 for op, _t in pieces if op == "insert") == 60


def test_a_hostile_pair_is_cut_off_by_the_deadline_and_still_correct() -> None:
    old = _section(40_000, 2)
    new = " ".join(reversed(old.split(" ")))
    started = time.perf_counter()
    pieces = word_diff(old, new)
    assert time.perf_counter() - started < 5
    assert "".join(t for op, t in pieces if op != "insert") == old
    started = time.perf_counter()
    rows = textdiff.compare("\n".join(old.split(" ")), "\n".join(new.split(" ")))
    assert time.perf_counter() - started < 5
    assert textdiff.change_count(rows) > 0


def test_compare_keeps_unchanged_lines_between_changes() -> None:
    rows = textdiff.compare("a\nsame\nb", "x\nsame\ny")
    assert [row.kind for row in rows] == [textdiff.CHANGED, textdiff.SAME, textdiff.CHANGED]


def test_deadline_matcher_answers_like_difflib() -> None:
    import difflib

    a = ["one\n", "two\n", "three\n", "four\n"]
    b = ["zero\n", "one\n", "three\n", "four\n", "five\n"]
    ours = DeadlineMatcher(None, a, b).get_matching_blocks()
    theirs = [tuple(m) for m in difflib.SequenceMatcher(None, a, b).get_matching_blocks()]
    assert ours == theirs


def test_a_three_way_merge_of_hostile_text_is_bounded() -> None:
    from crmbid_desktop.services.exchange.bid_merge import _merge_text

    base = "\n".join(_section(20_000, 3).split(" "))
    ours = "\n".join(reversed(base.split("\n")))
    theirs = "\n".join(sorted(base.split("\n")))
    started = time.perf_counter()
    merged, conflicted = _merge_text(base, ours, theirs)
    assert time.perf_counter() - started < 20
    assert conflicted and merged
    # Separate edits on each side still merge cleanly, as with difflib's matcher.
    clean, clashed = _merge_text("a\nb\nc\nd\ne\n", "a\nB\nc\nd\ne\n", "a\nb\nc\nD\ne\n")
    assert (clean.rstrip("\n"), clashed) == ("a\nB\nc\nD\ne", False)


def _apply_hunks(old: list[str], hunks: list[str]) -> list[str]:
    """Rebuild the new lines from the old ones and `changed_lines`' hunks (no context)."""
    import re

    result: list[str] = []
    position = 0
    for line in hunks:
        header = re.fullmatch(r"@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@", line)
        if header:
            start, count = int(header[1]), int(header[2] or 1)
            first = start - 1 if count else start  # diff -U0 numbers an empty range after
            result += old[position:first]
            position = first + count
        elif line.startswith("+"):
            result.append(line[1:])
    return result + old[position:]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", ""])), st.lists(st.sampled_from(["a", "b", "d"])))
def test_changed_lines_are_hunks_that_rebuild_the_new_text(old: list[str], new: list[str]) -> None:
    hunks = textdiff.changed_lines(old, new)
    assert _apply_hunks(old, hunks) == new
    assert all(line[:1] in "@-+" for line in hunks)


def test_changed_lines_read_like_diff_u0() -> None:
    import difflib

    old = ["one", "two", "three", "four", "five"]
    new = ["one", "2", "three", "five", "six"]
    expected = list(difflib.unified_diff(old, new, lineterm="", n=0))[2:]
    assert textdiff.changed_lines(old, new) == expected


def test_changed_lines_of_a_hostile_file_are_bounded() -> None:
    # 40,000 lines drawn from 800 (each too rare for difflib's "popular" cut-off): difflib's
    # line diff took 2.7 s at 20,000 lines and grows with the square; this stays at its deadline.
    rng = random.Random(4)
    old = [f"line {rng.randrange(800)}" for _ in range(40_000)]
    new = [f"line {rng.randrange(800)}" for _ in range(40_000)]
    started = time.perf_counter()
    hunks = textdiff.changed_lines(old, new)
    assert time.perf_counter() - started < 4
    assert _apply_hunks(old, hunks) == new


@settings(max_examples=300, deadline=None)
@given(words, words)
def test_grouped_opcodes_have_difflibs_shape_and_rebuild_the_new_sequence(
    a: list[str], b: list[str]
) -> None:
    import difflib

    found = textdiff.opcodes(a, b)
    rebuilt: list[str] = []
    i = j = 0
    for tag, i1, i2, j1, j2 in found:
        assert (i1, j1) == (i, j)
        if tag == "equal":
            assert a[i1:i2] == b[j1:j2]
        else:
            edits = {(True, True): "replace", (True, False): "delete", (False, True): "insert"}
            assert tag == edits[(i2 > i1, j2 > j1)]
        rebuilt += b[j1:j2]
        i, j = i2, j2
    assert (i, j) == (len(a), len(b)) and rebuilt == b
    # No two edit runs side by side: a deletion next to an insertion is one "replace".
    assert all(x[0] == "equal" or y[0] == "equal" for x, y in itertools.pairwise(found))
    # Never fewer tokens kept than difflib keeps (a longest common subsequence).
    theirs = difflib.SequenceMatcher(None, a, b, autojunk=False)
    kept = sum(i2 - i1 for tag, i1, i2, _j1, _j2 in found if tag == "equal")
    assert kept >= sum(size for _i, _j, size in theirs.get_matching_blocks())
    assert textdiff.similarity(a, b) >= theirs.ratio() - 1e-9
    assert textdiff.most_alike(a, b) == theirs.quick_ratio()
    assert textdiff.most_alike(a, b) >= textdiff.similarity(a, b)


def test_similarity_is_difflibs_ratio_on_plain_edits() -> None:
    import difflib

    old = _section(300, 11).split(" ")
    new = list(old)
    for index in range(0, len(new), 30):
        new[index] = "amended"
    expected = difflib.SequenceMatcher(None, old, new, autojunk=False).ratio()
    assert textdiff.similarity(old, new) == expected
    assert textdiff.similarity([], []) == 1.0
    assert textdiff.similarity(["a"], []) == 0.0


def _cpu(work: object) -> float:
    started = time.process_time()
    work()  # type: ignore[operator]
    return time.process_time() - started


def test_finding_a_3000_word_section_by_its_text_is_bounded() -> None:
    """A returned file whose markers and headings are gone: the section is found by how much a
    stretch resembles what was sent. With difflib this was quadratic in the words; now a
    3,000-word section (light edits or shuffled) is matched in well under the bound, which is
    loose for a loaded machine (tests/benchmarks/bench_diffs.py prints the real figures)."""
    from crmbid_desktop.services.exchange.section_matching import (
        Expected,
        match_sections,
        similarity,
    )
    from crmbid_desktop.services.word.docx_reader import Block

    sent = _section(3_000, 12)
    tokens = sent.split(" ")
    for index in range(0, len(tokens), 50):
        tokens[index] = "amended"
    edited = " ".join(tokens)
    shuffled = list(tokens)
    random.Random(13).shuffle(shuffled)
    paragraphs = [" ".join(tokens[k : k + 100]) for k in range(0, len(tokens), 100)]
    blocks = [Block(None, text, "normal", (), None) for text in paragraphs]  # type: ignore[arg-type]
    expected = [Expected("uuid-1", "4", "Delivery", "", sent)]
    found: list[object] = []
    assert _cpu(lambda: found.extend(match_sections(blocks, expected))) < 5
    assert [f.key for f in found] == ["uuid-1"]  # type: ignore[attr-defined]
    assert _cpu(lambda: similarity(sent, " ".join(shuffled))) < 5
    assert similarity(sent, edited) > 0.9


def test_keeping_the_bids_spelling_of_a_3000_paragraph_section_is_bounded() -> None:
    from crmbid_desktop.services.exchange.markdown_compare import keep_unchanged_spelling

    original = "\n\n".join(f"*{w}* {n}" for n, w in enumerate(_section(3_000, 14).split(" ")))
    pieces = original.split("\n\n")
    returned_pieces = [p.replace("*", "_") for p in pieces]  # the same, spelt another way
    returned_pieces[10] = "a partner's new paragraph"
    random.Random(15).shuffle(returned_pieces[100:])  # hostile: most blocks moved about
    returned = "\n\n".join(returned_pieces)
    kept: list[str] = []
    assert _cpu(lambda: kept.append(keep_unchanged_spelling(original, returned))) < 5
    out = kept[0].split("\n\n")
    assert out[10] == "a partner's new paragraph"
    assert out[:10] == pieces[:10]  # blocks that read the same keep the bid's spelling
