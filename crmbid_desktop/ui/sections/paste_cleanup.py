"""Pasted HTML from Word or a web page reduced to structure: Word's fake lists become real ones."""

from __future__ import annotations

import html as html_module
import re

# Word writes list items as paragraphs styled "mso-list:l0 level2 lfo1" with a typed bullet.
_WORD_LIST_PARAGRAPH = re.compile(
    r"<p\b[^>]*?mso-list:\s*l(\d+)\s+level(\d+)[^>]*>(.*?)</p>", re.IGNORECASE | re.DOTALL
)
_SUPPORT_LISTS = re.compile(r"<!\[if !supportLists\]>(.*?)<!\[endif\]>", re.IGNORECASE | re.DOTALL)
_CONDITIONAL = re.compile(r"<!--\[if.*?<!\[endif\]-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_ORDERED_MARKER = re.compile(r"^\s*(\d+|[a-zA-Z]|[ivxlcIVXLC]+)[.)]\s*$")


def _marker_is_ordered(marker_html: str) -> bool:
    text = html_module.unescape(_TAG.sub("", marker_html)).replace("\xa0", " ")
    return bool(_ORDERED_MARKER.match(text))


def _word_lists(source: str) -> str:
    out: list[str] = []
    open_lists: list[str] = []  # "ul" or "ol", innermost last
    position = 0
    previous_end = -1
    current_list = ""
    for match in _WORD_LIST_PARAGRAPH.finditer(source):
        between = source[position : match.start()]
        if open_lists and (previous_end != match.start() and between.strip()):
            out.extend(f"</li></{kind}>" for kind in reversed(open_lists))
            open_lists.clear()
        out.append(between)
        level = int(match.group(2))
        content = match.group(3)
        marker = _SUPPORT_LISTS.search(content)
        ordered = _marker_is_ordered(marker.group(1)) if marker else False
        content = _SUPPORT_LISTS.sub("", content)
        kind = "ol" if ordered else "ul"
        list_id = match.group(1)
        if open_lists and (
            list_id != current_list or (open_lists[-1] != kind and len(open_lists) == level)
        ):
            # Another Word list, or a bullet list after a numbered one: a new list starts here.
            keep = 0 if list_id != current_list else level - 1
            while len(open_lists) > keep:
                out.append(f"</li></{open_lists.pop()}>")
        current_list = list_id
        while len(open_lists) > level:
            out.append(f"</li></{open_lists.pop()}>")
        if len(open_lists) == level:
            out.append("</li>")
        while len(open_lists) < level:
            out.append(f"<{kind}>")
            open_lists.append(kind)
        out.append(f"<li>{content}")
        position = match.end()
        previous_end = match.end()
    between = source[position:]
    out.extend(f"</li></{kind}>" for kind in reversed(open_lists))
    out.append(between)
    return "".join(out)


def clean_pasted_html(source: str) -> str:
    """HTML with Word's list paragraphs turned into nested <ul>/<ol> and its comments dropped."""
    source = _CONDITIONAL.sub("", source)
    if "mso-list" in source:
        source = _word_lists(source)
    return source
