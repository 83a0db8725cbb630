"""The proposal's outline: section numbers 1, 1.1, 1.1.1 kept from parent and position.

An outline is at most `MAX_DEPTH` levels deep (Word has nine heading levels). Edits, imports and
merges refuse to go deeper; a damaged or hostile file that already does is shown with everything
below the last level flattened into it, so numbers never grow with the depth of a chain.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import TypeVar

#: Deepest level a section may sit at: 1 is top level, 9 is 1.1.1.1.1.1.1.1.1.
MAX_DEPTH = 9

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class OutlineItem:
    key: int
    parent: int | None
    position: int


@dataclass(frozen=True)
class NumberedItem:
    key: int
    number: str
    depth: int  # 1 for a top-level section


def number_outline(items: Iterable[OutlineItem]) -> list[NumberedItem]:
    """Items in reading order (depth first) with their numbers.

    Items whose parent is missing are treated as top level, so a damaged outline still shows.
    """
    items = list(items)
    keys = {item.key for item in items}
    children: dict[int | None, list[OutlineItem]] = defaultdict(list)
    for item in items:
        parent = item.parent if item.parent in keys else None
        children[parent].append(item)
    for siblings in children.values():
        siblings.sort(key=lambda item: (item.position, item.key))

    numbered: list[NumberedItem] = []
    seen: set[int] = set()

    def flattened(number: str, roots: list[OutlineItem]) -> None:
        # Everything below the last level but one goes on the last level, in reading order,
        # so a 30,000-deep chain costs 30,000 short numbers, not 30,000 ever longer ones.
        pending = list(reversed(roots))
        index = 0
        while pending:
            item = pending.pop()
            if item.key in seen:
                continue
            seen.add(item.key)
            index += 1
            numbered.append(NumberedItem(item.key, f"{number}.{index}", MAX_DEPTH))
            pending.extend(reversed(children.get(item.key, [])))

    stack: list[tuple[OutlineItem, str, int]] = [
        (item, str(index), 1) for index, item in reversed(list(enumerate(children[None], 1)))
    ]
    while stack:
        item, number, depth = stack.pop()
        if item.key in seen:  # a parent cycle in a damaged file: show each item once
            continue
        seen.add(item.key)
        numbered.append(NumberedItem(item.key, number, depth))
        kids = children.get(item.key, [])
        if depth >= MAX_DEPTH - 1:
            flattened(number, kids)
            continue
        for index in range(len(kids), 0, -1):
            stack.append((kids[index - 1], f"{number}.{index}", depth + 1))
    return numbered


def outline_depth(parents: Mapping[Key, Key | None]) -> int:
    """How many levels deep an outline given as {item: parent} goes (cycles counted once)."""
    depth_of: dict[Key, int] = {}
    deepest = 0
    for start in parents:
        chain: list[Key] = []
        on_chain: set[Key] = set()
        key: Key | None = start
        while key is not None and key in parents and key not in depth_of:
            if key in on_chain:  # a cycle: its items count from where it closes
                break
            chain.append(key)
            on_chain.add(key)
            key = parents[key]
        depth = depth_of[key] if key is not None and key in depth_of else 0
        for item in reversed(chain):
            depth += 1
            depth_of[item] = depth
        deepest = max(deepest, depth)
    return deepest


def subtree_height(parents: Mapping[Key, Key | None], root: Key) -> int:
    """Levels in `root`'s subtree, `root` included (1 for a section without sub-sections)."""
    below: dict[Key | None, list[Key]] = defaultdict(list)
    for key, parent in parents.items():
        below[parent].append(key)
    height = 0
    level = [root]
    seen: set[Key] = set()
    while level:
        height += 1
        seen.update(level)
        level = [kid for key in level for kid in below.get(key, []) if kid not in seen]
    return height
