"""Use cases of the Sections page: outline, details, text with versions, reviews, find and replace."""

from __future__ import annotations

import html
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.domain.outline import (
    MAX_DEPTH,
    OutlineItem,
    number_outline,
    outline_depth,
    subtree_height,
)
from crmbid_desktop.domain.section_versions import (
    AUTOSAVE_NOTE,
    LatestVersion,
    VersionAction,
    version_action,
)
from crmbid_desktop.domain.section_workflow import (
    APPROVED,
    check_status_change,
    status_after_writing,
)
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.store.models import (
    Bid,
    ClarificationSection,
    Comment,
    Section,
    SectionCriterion,
    SectionVersion,
    Task,
    utc_now,
)

if TYPE_CHECKING:
    from markdown_it import MarkdownIt


class SectionError(ValueError):
    """A section edit that cannot be made; the message names the section and the reason."""


@dataclass(frozen=True)
class SectionInfo:
    """One section as the outline and the details form show it."""

    id: int
    uuid: str
    number: str
    depth: int
    parent_id: int | None
    position: int
    title: str
    guidance: str
    word_limit: int | None
    status: str
    author_partner_id: int | None
    author_person: str
    reviewer: str
    due_on: date | None
    is_appendix: bool
    unresolved_comments: int
    body: str

    @property
    def label(self) -> str:
        """How messages name the section: its number, or its title for an appendix."""
        return self.number or f"'{self.title}'"


def outline(
    session: Session, only: Collection[str] | None = None, *, text: bool = True
) -> list[SectionInfo]:
    """Every section in reading order with its number; or just those with the uuids `only`.

    Numbering needs the whole tree, but only its shape (ids, parents, positions) is read for
    every section: with `only`, the texts of the other sections are not read at all. Without
    `text`, no section's text is read (`body` is empty): for lists that show numbers and titles.
    """
    shape = session.execute(
        select(Section.id, Section.parent_id, Section.position, Section.uuid)
    ).all()
    known = {row.id for row in shape}
    # Plain columns, not Section objects: building 1,400 ORM objects (identity map, state,
    # and the collector's passes over them) was most of the Sections page's first visit.
    columns = [
        Section.id,
        Section.uuid,
        Section.parent_id,
        Section.position,
        Section.title,
        Section.guidance,
        Section.word_limit,
        Section.status,
        Section.author_partner_id,
        Section.author_person,
        Section.reviewer,
        Section.due_on,
        Section.is_appendix,
    ]
    query = select(*columns, Section.body) if text else select(*columns)
    comments = select(Comment.section_id).where(Comment.resolved.is_(False))
    if only is not None:
        wanted = list(only)
        query = query.where(Section.uuid.in_(wanted))
        comments = comments.join(Section, Section.id == Comment.section_id).where(
            Section.uuid.in_(wanted)
        )
    sections = {section.id: section for section in session.execute(query)}
    unresolved: dict[int, int] = {}
    for section_id in session.scalars(comments):
        unresolved[section_id] = unresolved.get(section_id, 0) + 1
    numbered = number_outline(OutlineItem(row.id, row.parent_id, row.position) for row in shape)
    rows = []
    for item in numbered:
        s = sections.get(item.key)
        if s is None:
            continue
        rows.append(
            SectionInfo(
                id=s.id,
                uuid=s.uuid,
                number="" if s.is_appendix else item.number,
                depth=item.depth,
                parent_id=s.parent_id if s.parent_id in known else None,
                position=s.position,
                title=s.title,
                guidance=s.guidance,
                word_limit=s.word_limit,
                status=s.status,
                author_partner_id=s.author_partner_id,
                author_person=s.author_person,
                reviewer=s.reviewer,
                due_on=s.due_on,
                is_appendix=s.is_appendix,
                unresolved_comments=unresolved.get(s.id, 0),
                body=s.body if text else "",
            )
        )
    return rows


def outline_rows(
    workspace: Workspace, only: Collection[str] | None = None, *, text: bool = True
) -> list[SectionInfo]:
    """The outline as `outline` gives it, read in a session of its own (for pages)."""
    with workspace.reading() as session:
        return outline(session, only, text=text)


@dataclass(frozen=True)
class OutlineView:
    """What the Sections page shows on opening, read at once so it is one consistent picture."""

    rows: list[SectionInfo]
    #: (uuid, parent id, position) of every section, as `outline_shape` gives it.
    shape: list[tuple[str, int | None, int]]
    include_tables: bool
    #: (id, name) of every council, in register order, for the author choice.
    councils: list[tuple[int, str]]


def outline_view(workspace: Workspace) -> OutlineView:
    from crmbid_desktop.services.bid.queries import partner_names

    with workspace.reading() as session:
        return OutlineView(
            outline(session),
            _outline_shape(session),
            _count_table_words(session),
            partner_names(session),
        )


def unresolved_counts(workspace: Workspace) -> dict[int, int]:
    """Open comments by section id (one grouped query)."""
    query = (
        select(Comment.section_id, func.count())
        .where(Comment.resolved.is_(False))
        .group_by(Comment.section_id)
    )
    with workspace.reading() as session:
        return {int(section_id): int(count) for section_id, count in session.execute(query)}


def section_heads(session: Session) -> list[tuple[int, str, int | None, int, bool]]:
    """(id, title, parent id, position, appendix) of every section: what lists of sections show.

    Pages that name sections compare this before and after a change, so saving a section's
    text (which changes none of it) costs them nothing.
    """
    rows = session.execute(
        select(Section.id, Section.title, Section.parent_id, Section.position, Section.is_appendix)
    )
    return sorted((int(i), str(t), p, int(n), bool(a)) for i, t, p, n, a in rows)


def section_head_rows(workspace: Workspace) -> list[tuple[int, str, int | None, int, bool]]:
    """`section_heads`, read in a session of its own (for pages)."""
    with workspace.reading() as session:
        return section_heads(session)


def section_titles(workspace: Workspace, ids: Collection[int] | None = None) -> dict[int, str]:
    """Section id -> title, in id order; just the sections `ids` when given."""
    query = select(Section.id, Section.title).order_by(Section.id)
    if ids is not None:
        query = query.where(Section.id.in_(list(ids)))
    with workspace.reading() as session:
        return {int(section_id): str(title) for section_id, title in session.execute(query)}


def _outline_shape(session: Session) -> list[tuple[str, int | None, int]]:
    rows = session.execute(select(Section.uuid, Section.parent_id, Section.position)).all()
    return sorted((str(uuid), parent, position) for uuid, parent, position in rows)


def outline_shape(workspace: Workspace) -> list[tuple[str, int | None, int]]:
    """(uuid, parent id, position) of every section: what decides the outline's numbers."""
    with workspace.reading() as session:
        return _outline_shape(session)


def _info(session: Session, section_id: int) -> SectionInfo:
    uuid = session.scalar(select(Section.uuid).where(Section.id == section_id))
    if uuid is not None:
        for row in outline(session, only=[uuid]):
            return row
    raise SectionError("That section no longer exists (it may have been deleted).")


def _section(session: Session, section_id: int) -> Section:
    section = session.get(Section, section_id)
    if section is None:
        raise SectionError("That section no longer exists (it may have been deleted).")
    return section


# -- outline -----------------------------------------------------------------------------------
def _siblings(session: Session, parent_id: int | None) -> list[Section]:
    where = Section.parent_id.is_(None) if parent_id is None else Section.parent_id == parent_id
    return list(
        session.scalars(select(Section).where(where).order_by(Section.position, Section.id))
    )


def _renumber(siblings: list[Section]) -> None:
    for position, sibling in enumerate(siblings):
        sibling.position = position


def add_section(
    workspace: Workspace, title: str, *, parent_id: int | None = None, after_id: int | None = None
) -> int:
    """A new section under `parent_id`, after `after_id` (or last); returns its id."""
    title = title.strip()
    if not title:
        raise SectionError("A section needs a title.")
    if parent_id is not None:
        with workspace.reading() as session:
            parents = _parents(session)
        _check_depth(parents, parent_id, 1, f"“{title}”")
    section = Section(title=title, parent_id=parent_id)
    with workspace.edit(f"Added section '{title}'", action="add", entity="section") as session:
        siblings = _siblings(session, parent_id)
        index = len(siblings)
        for i, sibling in enumerate(siblings):
            if sibling.id == after_id:
                index = i + 1
        session.add(section)
        siblings.insert(index, section)
        _renumber(siblings)
        session.flush()
    return section.id


def move_section(workspace: Workspace, section_id: int, parent_id: int | None, index: int) -> None:
    """Put a section (with its sub-sections) under `parent_id` at `index` among its siblings."""
    with workspace.reading() as session:
        info = _info(session, section_id)
        rows = outline(session, text=False)
    descendants = _subtree_ids(rows, section_id)
    if parent_id is not None and parent_id in descendants:
        raise SectionError(f"Section {info.label} cannot go inside one of its own sub-sections.")
    if parent_id is not None:
        parents = {row.id: row.parent_id for row in rows}
        _check_depth(parents, parent_id, subtree_height(parents, section_id), info.label)
    where = "the top level" if parent_id is None else "another section"
    with workspace.edit(
        f"Moved section {info.label} ('{info.title}') to {where}",
        action="move",
        entity="section",
        entity_uuid=info.uuid,
    ) as session:
        section = _section(session, section_id)
        old_parent = section.parent_id
        old_siblings = [s for s in _siblings(session, old_parent) if s.id != section_id]
        _renumber(old_siblings)
        new_siblings = [s for s in _siblings(session, parent_id) if s.id != section_id]
        index = max(0, min(index, len(new_siblings)))
        new_siblings.insert(index, section)
        section.parent_id = parent_id
        _renumber(new_siblings)


def _parents(session: Session) -> dict[int, int | None]:
    return {row.id: row.parent_id for row in session.execute(select(Section.id, Section.parent_id))}


def _check_depth(parents: dict[int, int | None], parent_id: int, levels: int, what: str) -> None:
    """Refuse an edit that would put a section below the outline's last level."""
    depth = outline_depth(_chain_to(parents, parent_id))
    if depth + levels > MAX_DEPTH:
        raise SectionError(
            f"Section {what} cannot go there: the outline has at most {MAX_DEPTH} levels "
            f"(1 to 1.1.1.1.1.1.1.1.1), and this would make {depth + levels}."
        )


def _chain_to(parents: dict[int, int | None], key: int) -> dict[int, int | None]:
    """Only `key` and its ancestors, so the depth of one place is measured, not the deepest."""
    chain: dict[int, int | None] = {}
    current: int | None = key
    while current is not None and current in parents and current not in chain:
        chain[current] = parents[current]
        current = parents[current]
    return chain


def _subtree_ids(rows: list[SectionInfo], root_id: int) -> set[int]:
    ids = {root_id}
    changed = True
    while changed:
        changed = False
        for row in rows:
            if row.parent_id in ids and row.id not in ids:
                ids.add(row.id)
                changed = True
    return ids


def _sibling_rows(rows: list[SectionInfo], parent_id: int | None) -> list[SectionInfo]:
    return [row for row in rows if row.parent_id == parent_id]


def indent_section(workspace: Workspace, section_id: int) -> None:
    """Make a section the last sub-section of the section above it."""
    with workspace.reading() as session:
        rows = outline(session, text=False)
    me = next(row for row in rows if row.id == section_id)
    siblings = _sibling_rows(rows, me.parent_id)
    place = [row.id for row in siblings].index(section_id)
    if place == 0:
        raise SectionError(
            f"Section {me.label} cannot be indented: there is no section above it at its level."
        )
    new_parent = siblings[place - 1]
    move_section(workspace, section_id, new_parent.id, len(_sibling_rows(rows, new_parent.id)))


def outdent_section(workspace: Workspace, section_id: int) -> None:
    """Make a section the next sibling of its parent."""
    with workspace.reading() as session:
        rows = outline(session, text=False)
    me = next(row for row in rows if row.id == section_id)
    if me.parent_id is None:
        raise SectionError(f"Section {me.label} is already at the top level.")
    parent = next(row for row in rows if row.id == me.parent_id)
    siblings = _sibling_rows(rows, parent.parent_id)
    place = [row.id for row in siblings].index(parent.id)
    move_section(workspace, section_id, parent.parent_id, place + 1)


def shift_section(workspace: Workspace, section_id: int, step: int) -> None:
    """Move a section up (-1) or down (+1) among its siblings."""
    with workspace.reading() as session:
        rows = outline(session, text=False)
    me = next(row for row in rows if row.id == section_id)
    siblings = _sibling_rows(rows, me.parent_id)
    place = [row.id for row in siblings].index(section_id)
    target = place + step
    if not 0 <= target < len(siblings):
        where = "first" if step < 0 else "last"
        raise SectionError(f"Section {me.label} is already the {where} at its level.")
    move_section(workspace, section_id, me.parent_id, target)


DETAIL_FIELDS = (
    "title",
    "guidance",
    "word_limit",
    "author_partner_id",
    "author_person",
    "reviewer",
    "due_on",
    "is_appendix",
)


def set_status(workspace: Workspace, section_id: int, status: str) -> None:
    """Move a section through the review workflow (WorkflowError says why not)."""
    with workspace.reading() as session:
        info = _info(session, section_id)
    if info.status == status:
        return
    words = 0
    if status == APPROVED:
        with workspace.reading() as session:
            include_tables = _count_table_words(session)
        words = word_count(info.body, include_tables=include_tables)
    check_status_change(
        info.label,
        status,
        info.unresolved_comments,
        reviewer=info.reviewer,
        words=words,
        word_limit=info.word_limit,
    )
    with workspace.edit(
        f"Section {info.label} ('{info.title}') status: {info.status} → {status}",
        action="status",
        entity="section",
        entity_uuid=info.uuid,
    ) as session:
        _section(session, section_id).status = status


# -- deletion ----------------------------------------------------------------------------------
def delete_section(workspace: Workspace, section_id: int) -> None:
    """Delete a section and its sub-sections with what hung on them; Edit > Undo puts it all back
    (the bid's history records every row the delete removed or unlinked)."""
    with workspace.reading() as session:
        rows = outline(session, text=False)
        info = _info(session, section_id)
    ids = _subtree_ids(rows, section_id)
    with workspace.edit(
        f"Deleted section {info.label} ('{info.title}')"
        + (f" with {len(ids) - 1} sub-sections" if len(ids) > 1 else ""),
        action="delete",
        entity="section",
        entity_uuid=info.uuid,
    ) as session:
        for task in session.scalars(select(Task).where(Task.section_id.in_(ids))):
            task.section_id = None
        session.flush()
        for model in (SectionVersion, Comment, SectionCriterion, ClarificationSection):
            session.execute(delete(model).where(model.section_id.in_(ids)))
        # One statement: children go with their parent, so the ORM need not order the deletes.
        session.execute(delete(Section).where(Section.id.in_(ids)))


# -- text and versions -------------------------------------------------------------------------
def save_body(
    workspace: Workspace, section_id: int, body: str, *, now: datetime | None = None
) -> VersionAction | None:
    """Save a section's text; keeps a version at most once a minute of typing. None if unchanged."""
    now = now or utc_now()
    with workspace.reading() as session:
        section = _section(session, section_id)
        if section.body == body:
            return None
        label, uuid = section.title, section.uuid
    with workspace.edit(
        f"Saved the text of '{label}'", action="edit text", entity="section", entity_uuid=uuid
    ) as session:
        return write_body(session, _section(session, section_id), body, now, workspace.user)


def write_body(
    session: Session, section: Section, body: str, now: datetime, user: str
) -> VersionAction:
    """Put `body` into the section inside an edit, keeping versions at most once a minute."""
    section_id = section.id
    latest = _latest_version(session, section_id)
    old_body = section.body
    action = version_action(
        LatestVersion(latest.body, latest.created_at, latest.note) if latest else None, body, now
    )
    section.body = body
    moved = status_after_writing(section.status, body)
    if moved is not None:
        section.status = moved  # its first words: the work has started
    if latest is None and old_body:
        # The text written before versions were kept is the first version.
        session.add(SectionVersion(section_id=section_id, body=old_body, note="earlier text"))
    if action is VersionAction.NEW:
        session.add(
            SectionVersion(
                section_id=section_id,
                body=body,
                saved_by=user,
                note=AUTOSAVE_NOTE,
                created_at=now,
            )
        )
    elif action is VersionAction.UPDATE_LATEST and latest is not None:
        version = session.get(SectionVersion, latest.id)
        if version is not None:
            version.body = body
    return action


def _latest_version(session: Session, section_id: int) -> SectionVersion | None:
    return session.scalars(
        select(SectionVersion)
        .where(SectionVersion.section_id == section_id)
        .order_by(SectionVersion.created_at.desc(), SectionVersion.id.desc())
        .limit(1)
    ).first()


@dataclass(frozen=True)
class VersionRow:
    id: int
    saved_at: datetime
    saved_by: str
    note: str
    body: str

    @property
    def label(self) -> str:
        return f"{format_date(self.saved_at.date())} {self.saved_at:%H:%M} — {self.note}"


def versions(workspace: Workspace, section_id: int) -> list[VersionRow]:
    """A section's versions, newest first."""
    with workspace.reading() as session:
        return [
            VersionRow(v.id, v.created_at, v.saved_by, v.note, v.body)
            for v in session.scalars(
                select(SectionVersion)
                .where(SectionVersion.section_id == section_id)
                .order_by(SectionVersion.created_at.desc(), SectionVersion.id.desc())
            )
        ]


def restore_version(workspace: Workspace, version_id: int) -> None:
    """Make an old version the section's text again; the restore is itself a new version."""
    with workspace.reading() as session:
        version = session.get(SectionVersion, version_id)
        if version is None:
            raise SectionError("That version no longer exists.")
        section = _section(session, version.section_id)
        when = f"{format_date(version.created_at.date())} {version.created_at:%H:%M}"
        section_id, uuid, title = section.id, section.uuid, section.title
    with workspace.edit(
        f"Restored the text of '{title}' from {when}",
        action="restore version",
        entity="section",
        entity_uuid=uuid,
    ) as session:
        old = session.get(SectionVersion, version_id)
        assert old is not None
        _section(session, section_id).body = old.body
        session.add(
            SectionVersion(
                section_id=section_id,
                body=old.body,
                saved_by=workspace.user,
                note=f"restored from {when}",
            )
        )


# -- reviews -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class CommentRow:
    id: int
    author: str
    written_at: datetime
    text: str
    resolved: bool


def comments(workspace: Workspace, section_id: int) -> list[CommentRow]:
    with workspace.reading() as session:
        return [
            CommentRow(c.id, c.author, c.created_at, c.text, c.resolved)
            for c in session.scalars(
                select(Comment).where(Comment.section_id == section_id).order_by(Comment.id)
            )
        ]


def add_comment(workspace: Workspace, section_id: int, text: str) -> int:
    text = text.strip()
    if not text:
        raise SectionError("A review comment needs some text.")
    with workspace.reading() as session:
        info = _info(session, section_id)
    comment = Comment(section_id=section_id, author=workspace.user, text=text)
    with workspace.edit(
        f"Comment on section {info.label}: {text[:60]}",
        action="comment",
        entity="section",
        entity_uuid=info.uuid,
    ) as session:
        session.add(comment)
        session.flush()
    return comment.id


def set_comment_resolved(workspace: Workspace, comment_id: int, resolved: bool) -> None:
    with workspace.reading() as session:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise SectionError("That comment no longer exists.")
        info = _info(session, comment.section_id)
    verb = "Resolved" if resolved else "Reopened"
    with workspace.edit(
        f"{verb} a comment on section {info.label}",
        action="resolve" if resolved else "reopen",
        entity="comment",
        entity_uuid=comment.uuid,
    ) as session:
        row = session.get(Comment, comment_id)
        assert row is not None
        row.resolved = resolved


# -- words -------------------------------------------------------------------------------------
def _count_table_words(session: Session) -> bool:
    bid = session.scalars(select(Bid)).first()
    return True if bid is None else bid.count_table_words


def count_table_words(workspace: Workspace) -> bool:
    """Whether words in tables count towards the word limits (a bid setting)."""
    with workspace.reading() as session:
        return _count_table_words(session)


def word_count(body: str, *, include_tables: bool, section: str = "") -> int:
    """Words in `body`; given the section's uuid, counted once per version of its text."""
    # Imported here: markdown-it is not needed to start the main window.
    from crmbid_desktop.domain.wordcount import SECTION_WORDS, count_words

    if section:
        return SECTION_WORDS.count(section, body, include_tables=include_tables)
    return count_words(body, include_tables=include_tables)


def counting_rule(include_tables: bool) -> str:
    from crmbid_desktop.domain.wordcount import COUNTING_RULE

    tables = "Words in tables count" if include_tables else "Words in tables do not count"
    return f"{COUNTING_RULE} {tables} (a bid setting)."


# -- the editor's view of the text -------------------------------------------------------------
@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable("table")


_TH = re.compile(r"<(/?)th(\s[^>]*)?>")
_TABLE = re.compile(r"<table>")
_AFTER_BLOCK_TAG = re.compile(
    r"(</?(?:p|h[1-6]|ul|ol|li|table|thead|tbody|tr|td|th|blockquote)\b[^>]*>|<hr />)\n"
)
_BEFORE_LIST = re.compile(r"\n(?=</li>|<ul>|<ol\b)")
_KEPT_SPACE = re.compile(r"[\t\v\f][\t\v\f ]*| {2,}")


def markdown_to_html(body: str) -> str:
    """The section text as HTML for the rich-text editor (only <u> of raw HTML is honoured)."""
    md = _markdown()
    tokens = md.parse(body)
    for token in tokens:
        if token.type == "html_block":
            token.content = html.escape(token.content)
        for child in token.children or []:
            if child.type == "html_inline" and child.content.lower() not in ("<u>", "</u>"):
                child.type = "text"
            if child.type == "text" and _KEPT_SPACE.search(child.content):
                # HTML would fold tabs and runs of spaces into one space: keep them as typed.
                child.type = "html_inline"
                child.content = _KEPT_SPACE.sub(
                    lambda m: f'<span style="white-space:pre">{m.group(0)}</span>',
                    html.escape(child.content, quote=False),
                )
    rendered = md.renderer.render(tokens, md.options, {})
    # Header cells look like other cells in the editor; bold there would be read back as **.
    rendered = _TH.sub(lambda m: f"<{m.group(1)}td>", rendered)
    # Newlines beside block tags would become a stray space at the end of each paragraph.
    rendered = _BEFORE_LIST.sub("", _AFTER_BLOCK_TAG.sub(r"\1", rendered))
    return _TABLE.sub('<table border="1" cellspacing="0" cellpadding="4">', rendered)


# -- find and replace --------------------------------------------------------------------------
@dataclass(frozen=True)
class FindHit:
    section_id: int
    label: str
    title: str
    count: int
    excerpt: str


def _pattern(text: str, match_case: bool, whole_words: bool) -> re.Pattern[str]:
    if not text:
        raise SectionError("Type the text to find.")
    core = re.escape(text)
    if whole_words:
        core = rf"(?<!\w){core}(?!\w)"
    return re.compile(core, 0 if match_case else re.IGNORECASE)


def find_in_sections(
    workspace: Workspace, text: str, *, match_case: bool = False, whole_words: bool = False
) -> list[FindHit]:
    """Sections whose text holds `text`, in outline order, with a count and an excerpt."""
    pattern = _pattern(text, match_case, whole_words)
    hits = []
    for row in outline_rows(workspace):
        found = list(pattern.finditer(row.body))
        if found:
            first = found[0]
            start = max(0, first.start() - 40)
            excerpt = row.body[start : first.end() + 40].replace("\n", " ")
            hits.append(FindHit(row.id, row.label, row.title, len(found), excerpt))
    return hits


def replace_in_sections(
    workspace: Workspace,
    text: str,
    replacement: str,
    *,
    match_case: bool = False,
    whole_words: bool = False,
    section_ids: set[int] | None = None,
) -> int:
    """Replace every occurrence in the chosen sections (all if None); returns how many."""
    pattern = _pattern(text, match_case, whole_words)
    hits = find_in_sections(workspace, text, match_case=match_case, whole_words=whole_words)
    hits = [hit for hit in hits if section_ids is None or hit.section_id in section_ids]
    if not hits:
        return 0
    total = sum(hit.count for hit in hits)
    with workspace.edit(
        f"Replaced '{text}' with '{replacement}' {total} times in {len(hits)} sections",
        action="replace",
        entity="section",
    ) as session:
        for hit in hits:
            section = _section(session, hit.section_id)
            section.body = pattern.sub(lambda _m: replacement, section.body)
            session.add(
                SectionVersion(
                    section_id=section.id,
                    body=section.body,
                    saved_by=workspace.user,
                    note=f"replaced '{text}' with '{replacement}'",
                )
            )
    return total
