"""The word meter under the editor: '612 / 700 words', amber within 10% of the limit, red over."""

from __future__ import annotations

OK = "ok"
NEAR = "near"  # within 10% of the limit
OVER = "over"


def meter_level(count: int, limit: int | None) -> str:
    if not limit:
        return OK
    if count > limit:
        return OVER
    if count * 10 >= limit * 9:
        return NEAR
    return OK


def meter_text(count: int, limit: int | None) -> str:
    noun = "word" if count == 1 else "words"
    if not limit:
        return f"{count:,} {noun} (no limit)"
    text = f"{count:,} / {limit:,} words"
    if count > limit:
        text += f" — {count - limit:,} over the limit"
    return text
