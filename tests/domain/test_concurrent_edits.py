"""The field-wise merge of two people's saves of one row: properties that must always hold."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crmbid_desktop.domain.concurrent_edits import merge_fields, merge_link, merge_sets

FIELDS = ("name", "status", "owner", "days")
values = st.one_of(st.none(), st.integers(0, 3), st.sampled_from(["", "a", "b", "Leeds"]))
rows = st.fixed_dictionaries({name: values for name in FIELDS})


@given(rows, rows, rows)
def test_only_real_conflicts_and_every_one_sided_change_kept(loaded, mine, theirs) -> None:
    merge = merge_fields(loaded, mine, theirs)
    clashing = {c.field for c in merge.clashes}
    for name in FIELDS:
        i_changed = mine[name] != loaded[name]
        they_changed = theirs[name] != loaded[name]
        real = i_changed and they_changed and mine[name] != theirs[name]
        assert (name in clashing) == real, name
        result = merge.writes.get(name, theirs[name])
        if real:
            assert name not in merge.writes  # left for the user: theirs stands meanwhile
            assert result == theirs[name]
        elif i_changed:
            assert result == mine[name]  # my change is not lost
        else:
            assert result == theirs[name]  # theirs is not overwritten
    for clash in merge.clashes:
        assert (clash.loaded, clash.mine, clash.theirs) == (
            loaded[clash.field],
            mine[clash.field],
            theirs[clash.field],
        )


@given(rows, rows)
def test_nobody_else_saved_means_my_changes_exactly(loaded, mine) -> None:
    merge = merge_fields(loaded, mine, loaded)
    assert not merge.clashes
    assert dict(merge.writes) == {n: mine[n] for n in FIELDS if mine[n] != loaded[n]}


@given(rows, rows)
def test_a_save_that_changed_nothing_writes_nothing(loaded, theirs) -> None:
    merge = merge_fields(loaded, loaded, theirs)
    assert not merge.writes and not merge.clashes


paragraph = st.text(alphabet="abcdefgh ", min_size=1, max_size=12).map(str.strip).filter(bool)


@given(st.lists(paragraph, min_size=3, max_size=6, unique=True), st.data())
def test_text_changed_in_different_paragraphs_is_merged(base, data) -> None:
    first = data.draw(st.integers(0, len(base) - 1))
    second = data.draw(st.integers(0, len(base) - 1).filter(lambda i: abs(i - first) > 1))
    mine, theirs = list(base), list(base)
    mine[first] = base[first] + " (mine)"
    theirs[second] = base[second] + " (theirs)"
    loaded = {"body": "\n".join(base)}
    merge = merge_fields(
        loaded, {"body": "\n".join(mine)}, {"body": "\n".join(theirs)}, texts=("body",)
    )
    assert not merge.clashes
    text = str(merge.writes["body"])
    assert mine[first] in text.split("\n") and theirs[second] in text.split("\n")


@given(st.lists(paragraph, min_size=1, max_size=5, unique=True), st.data())
def test_text_changed_differently_in_one_paragraph_is_a_conflict(base, data) -> None:
    where = data.draw(st.integers(0, len(base) - 1))
    mine, theirs = list(base), list(base)
    mine[where] = base[where] + " (mine)"
    theirs[where] = base[where] + " (theirs)"
    loaded = {"body": "\n".join(base)}
    merge = merge_fields(
        loaded, {"body": "\n".join(mine)}, {"body": "\n".join(theirs)}, texts=("body",)
    )
    assert [c.field for c in merge.clashes] == ["body"]
    assert merge.clashes[0].mine == "\n".join(mine)
    assert "body" not in merge.writes


# -- a set both sides changed (a question's ticked sections) ---------------------------------

ids = st.frozensets(st.integers(1, 6))


@given(ids, ids, ids)
def test_a_set_keeps_my_additions_and_removals_and_everyone_else_s(loaded, mine, theirs) -> None:
    merged = merge_sets(loaded, mine, theirs)
    assert mine - loaded <= merged  # what I ticked is in
    assert not (loaded - mine) & merged  # what I unticked is out
    untouched = set(range(1, 7)) - (mine ^ loaded)
    for item in untouched:  # what I left alone is as the others saved it
        assert (item in merged) == (item in theirs)


def test_a_set_nobody_else_changed_is_mine() -> None:
    assert merge_sets({1, 2}, {2, 3}, {1, 2}) == {2, 3}
    assert merge_sets({1, 2}, {1, 2}, {5}) == {5}  # I changed nothing: theirs stands


# -- a tick of the criteria matrix with its note ---------------------------------------------

OFF = {"linked": False, "note": ""}


def on(note: str = "") -> dict[str, object]:
    return {"linked": True, "note": note}


def test_ticking_a_link_someone_ticked_meanwhile_keeps_their_note() -> None:
    merge = merge_link(OFF, on(), on("second paragraph"))
    assert merge.writes == {} and merge.clashes == ()


def test_ticking_a_link_nobody_touched_writes_the_tick() -> None:
    assert merge_link(OFF, on(), OFF).writes == {"linked": True}


def test_unticking_a_link_whose_note_they_changed_is_a_conflict() -> None:
    merge = merge_link(on("intro"), {"linked": False, "note": "intro"}, on("intro and 4.2"))
    assert [(c.field, c.mine, c.theirs) for c in merge.clashes] == [("linked", False, True)]
    assert merge.writes == {}


def test_unticking_a_link_they_left_alone_or_also_unticked() -> None:
    assert merge_link(on("a"), OFF, on("a")).writes == {"linked": False}
    both = merge_link(on("a"), OFF, OFF)
    assert both.writes == {} and both.clashes == ()


def test_changing_the_note_of_a_link_they_unticked_is_a_conflict() -> None:
    merge = merge_link(on("a"), on("b"), OFF)
    assert [(c.field, c.mine, c.theirs) for c in merge.clashes] == [("linked", True, False)]


def test_a_link_they_unticked_stays_unticked_when_i_changed_nothing() -> None:
    merge = merge_link(on("a"), on("a"), OFF)
    assert merge.writes == {} and merge.clashes == ()


def test_notes_merge_by_paragraph_and_clash_in_one() -> None:
    loaded = on("Para one.\n\nPara two.")
    merge = merge_link(loaded, on("Para one!\n\nPara two."), on("Para one.\n\nPara two!"))
    assert merge.writes == {"note": "Para one!\n\nPara two!"} and merge.merged == ("note",)
    clash = merge_link(loaded, on("Mine.\n\nPara two."), on("Theirs.\n\nPara two."))
    assert [c.field for c in clash.clashes] == ["note"]
