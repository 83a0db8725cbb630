"""Two people saved one row: which of each side's fields stand, and which are real conflicts.

The rule, field by field, from what the form loaded (`loaded`), what its user wants (`mine`) and
what is saved now (`theirs`): a field only one side changed takes that side's value; both sides
changing it to the same value is no conflict; a text field both changed is merged paragraph by
paragraph (merge3) and is a conflict only where the same paragraph changed differently; any
other field both changed differently is a conflict, which the user settles.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from crmbid_desktop.domain.text_merge import merge_texts

_T = TypeVar("_T")


@dataclass(frozen=True)
class FieldClash:
    """One field both sides changed differently: nothing was written to it."""

    field: str
    loaded: object
    mine: object
    theirs: object


@dataclass(frozen=True)
class FieldMerge:
    """What to write over the saved row, and the fields left for the user to settle."""

    writes: Mapping[str, object] = field(default_factory=dict)
    clashes: tuple[FieldClash, ...] = ()
    #: Fields both sides changed and merged cleanly (text merged by paragraph).
    merged: tuple[str, ...] = ()


def merge_fields(
    loaded: Mapping[str, object],
    mine: Mapping[str, object],
    theirs: Mapping[str, object],
    *,
    texts: Collection[str] = (),
) -> FieldMerge:
    """The field-wise merge of `mine` onto `theirs`, both changed from `loaded`.

    Only fields in `mine` are considered (a form writes only its own fields); a field missing
    from `loaded` counts as unchanged by me.
    """
    writes: dict[str, object] = {}
    clashes: list[FieldClash] = []
    merged: list[str] = []
    for name, wanted in mine.items():
        base = loaded.get(name, wanted)
        saved = theirs.get(name, base)
        if wanted in (base, saved):
            continue  # I did not change it, or we agree: what is saved stands
        if saved == base:
            writes[name] = wanted  # only I changed it
            continue
        if name in texts and isinstance(base, str | None):
            joined = merge_texts(base or "", str(wanted or ""), str(saved or ""))
            if not joined.conflicts:
                text = joined.text()
                if text != saved:
                    writes[name] = text
                merged.append(name)
                continue
        clashes.append(FieldClash(name, base, wanted, saved))
    return FieldMerge(writes, tuple(clashes), tuple(merged))


def merge_sets(
    loaded: Collection[_T], mine: Collection[_T], theirs: Collection[_T]
) -> frozenset[_T]:
    """A set (a question's ticked sections) both sides changed: mine added and removed over
    theirs. What I added is in, what I removed is out, and what others added or removed since I
    loaded stands; a set never conflicts (adding twice or removing twice agree)."""
    base, wanted = set(loaded), set(mine)
    return frozenset((set(theirs) - (base - wanted)) | (wanted - base))


def merge_link(
    loaded: Mapping[str, object], mine: Mapping[str, object], theirs: Mapping[str, object]
) -> FieldMerge:
    """A tick in the criteria matrix with its note (`linked`, `note`), saved by two people.

    Ticks and notes merge as fields (the note by paragraph), with two conflicts of their own:
    my untick against their change to the note, and my change to the note against their
    untick. Either way one of us wanted the link gone and the other worked on it, so the
    user chooses; a field "linked" clash then stands for the whole link.
    """
    was, wanted, now = bool(loaded["linked"]), bool(mine["linked"]), bool(theirs["linked"])
    note_loaded = loaded["note"]
    if was and now and not wanted and theirs["note"] != note_loaded:
        return FieldMerge(clashes=(FieldClash("linked", True, False, True),))
    if was and wanted and not now and mine["note"] != note_loaded:
        return FieldMerge(clashes=(FieldClash("linked", True, True, False),))
    if not wanted:
        return FieldMerge({"linked": False} if now and was else {})
    # An unticked link's note is "": ticking it leaves a note someone else saved as it is.
    return merge_fields(loaded, mine, theirs, texts=("note",))
