"""The proposal's outline: section numbers 1, 1.1, 1.1.1 kept from parent and position."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass


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
    stack: list[tuple[OutlineItem, str, int]] = [
        (item, str(index), 1) for index, item in reversed(list(enumerate(children[None], 1)))
    ]
    seen: set[int] = set()
    while stack:
        item, number, depth = stack.pop()
        if item.key in seen:  # a parent cycle in a damaged file: show each item once
            continue
        seen.add(item.key)
        numbered.append(NumberedItem(item.key, number, depth))
        kids = children.get(item.key, [])
        for index in range(len(kids), 0, -1):
            stack.append((kids[index - 1], f"{number}.{index}", depth + 1))
    return numbered
