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

from crmbid_desktop.domain.text_merge import merge_texts


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
