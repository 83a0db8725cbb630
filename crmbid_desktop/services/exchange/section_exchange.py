"""Sending sections to a partner as a Word file and taking their returned text back.

Send writes the sections into the proposal's template with hidden identifiers (custom document
properties and one bookmark per section). Take back reads the returned file safely, matches the
sections by those identifiers and previews, per section, the current and returned text; nothing
changes the bid until `apply_returned` is called with the sections the user accepted.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.domain.text_merge import Merged, merge_texts, plain_counts
from crmbid_desktop.services.bid.queries import SectionRow, section_rows
from crmbid_desktop.services.bid.workspace import Workspace
from crmbid_desktop.services.exchange.markdown_compare import (
    keep_unchanged_spelling,
    readable,
    same_text,
    word_count,
)
from crmbid_desktop.services.exchange.section_matching import BY_MARKER, Expected, match_sections
from crmbid_desktop.services.formats import (
    ExportOptions,
    ExportResult,
    Handler,
    ImportOptions,
    ImportReport,
    register_exporter,
    register_importer,
)
from crmbid_desktop.services.word.docx_reader import (
    BOOKMARK_PREFIX,
    ReturnedDocument,
    ReturnedSection,
    TrackedChoice,
    WordComment,
    describe_losses,
    read_document,
)
from crmbid_desktop.services.word.docx_safety import open_package
from crmbid_desktop.store.models import Bid, Comment, Section, SectionVersion

PROP_BID = "crmbid.bid"
PROP_EXPORTED = "crmbid.exported_at"
PROP_COUNT = "crmbid.sections"
PROP_SECTION = "crmbid.section."  # + index: "<bookmark> <section uuid> <sha256 of body sent>"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_GREY = "808080"

PROP_SENT_TO = "crmbid.sent_to"
PROP_SENT_BY = "crmbid.sent_by"
PROP_RETURN_BY = "crmbid.return_by"
#: In a section version's note: "[sent <digest>]" marks the text exactly as it was sent.
_SENT_TAG = "[sent "


def cover_note(
    sections: Sequence[SectionRow], partner: str, sender: str, return_by: date | None
) -> list[str]:
    """The instructions on the first page, in plain words: what, for whom, to whom, by when."""
    from crmbid_desktop.domain.dates import format_date

    listed = "; ".join(f"{row.number} {row.title}" for row in sections)
    plural = "s" if len(sections) != 1 else ""
    lines = [f"For {partner}." if partner else "", f"Section{plural} to write or review: {listed}."]
    to_whom = f" to {sender}" if sender else ""
    if return_by is not None:
        lines.append(f"Please send this file back{to_whom} by {format_date(return_by)}.")
    else:
        lines.append(f"Please send this file back{to_whom} when you have finished.")
    lines += [
        "Change the text under each section heading as you like: add, delete or reformat text, "
        "add lists and tables, use Track Changes and comments if you wish.",
        "Please leave the numbered section headings and the grey “End of section” lines as they "
        "are: they tell CRM Bid Desktop where each section starts and ends.",
        "Save the file as a Word document (.docx); in LibreOffice choose “Word 2007–365 "
        "(.docx)” and “Use Word 2007–365!”. Nothing you write changes the bid until the bid "
        "team has looked at it and accepted it.",
    ]
    return [line for line in lines if line]


#: Called with (done, total) as the work goes; the UI's callback raises `Cancelled` to stop it.
Progress = Callable[[int, int], None]


def _no_progress(_done: int, _total: int) -> None:
    return None


class SectionSelectionError(ValueError):
    pass


class ReturnedFileError(ValueError):
    pass


def bookmark_name(section_uuid: str) -> str:
    """Word limits bookmark names to 40 characters; prefix + 32 hex digits is 39."""
    return (BOOKMARK_PREFIX + section_uuid.replace("-", ""))[:40]


def body_digest(body: str) -> str:
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def select_sections(rows: Sequence[SectionRow], numbers: Iterable[str]) -> list[SectionRow]:
    """The sections named by number, each with its subsections, in outline order."""
    wanted = [n.strip().rstrip(".") for n in numbers if n.strip()]
    if not wanted:
        raise SectionSelectionError("Choose at least one section to send, e.g. --sections 4,6.1.")
    known = {row.number for row in rows if row.number}
    missing = [n for n in wanted if n not in known]
    if missing:
        raise SectionSelectionError(
            f"There is no section {', '.join(missing)} in this bid; sections are numbered "
            f"{', '.join(sorted(known, key=_number_key)[:8])}…"
        )
    return [
        row
        for row in rows
        if row.number and any(row.number == n or row.number.startswith(n + ".") for n in wanted)
    ]


def _number_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split(".") if part.isdigit())


# ----- send ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Sent:
    row: SectionRow
    uuid: str


def send_sections(
    workspace: Workspace,
    target: Path,
    numbers: Iterable[str],
    *,
    template: Path | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    partner: str = "",
    sender: str = "",
    return_by: date | None = None,
) -> ExportResult:
    """Write the chosen sections to `target`; a cancel (raised by `progress`) writes nothing.

    `partner` is who the file is for, `sender` who it goes back to (the user's name from
    Settings); `return_by` defaults to the earliest due date of the sections' open tasks. The
    text sent is kept in each section's history, so taking the file back can tell the partner's
    edits from the bid team's later work.
    """
    report = progress or _no_progress
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from crmbid_desktop.services.word import docx_styles as st
    from crmbid_desktop.services.word.docx_export import default_template
    from crmbid_desktop.services.word.docx_markdown import (
        MarkdownRenderer,
        add_run,
        new_paragraph,
        set_numbering,
    )
    from crmbid_desktop.services.word.docx_package import (
        atomic_write,
        document_bytes,
        drop_stale_parts,
        empty_body,
        load_document,
        set_properties,
    )

    moment = (now or datetime.now(UTC)).replace(microsecond=0)
    with workspace.reading() as session:
        bid = session.scalars(select(Bid)).one()
        bid_uuid, bid_title = bid.uuid, bid.title
        chosen = select_sections(section_rows(session), numbers)
        uuids = {s.id: s.uuid for s in session.scalars(select(Section))}
        if return_by is None:
            return_by = _due_date(session, [row.id for row in chosen])
    sender = sender.strip() or workspace.user
    sent = [_Sent(row, uuids[row.id]) for row in chosen]
    base_depth = min(item.row.depth for item in sent)

    doc = load_document(template or default_template())
    empty_body(doc)
    drop_stale_parts(doc)
    styles, numbering = st.install(doc)
    renderer = MarkdownRenderer(doc, styles, numbering)

    numbers_text = ", ".join(item.row.number for item in sent)
    top = [item.row for item in sent if item.row.depth == base_depth]
    title = f"{bid_title}: {'section' if len(sent) == 1 else 'sections'} {numbers_text}"
    add_run(new_paragraph(doc, styles[st.TITLE]), title)
    for line in cover_note(top, partner.strip(), sender, return_by):
        add_run(new_paragraph(doc, None), line, italic=True)

    for index, item in enumerate(sent, 1):
        report(index - 1, len(sent) + 1)
        level = min(max(item.row.depth - base_depth + 1, 1), 3)
        heading = new_paragraph(doc, styles[st.HEADINGS[level - 1]])
        set_numbering(heading, 0, 0)  # the number is in the text; Word must not renumber
        attrs = {qn("w:id"): str(index), qn("w:name"): bookmark_name(item.uuid)}
        heading.append(OxmlElement("w:bookmarkStart", attrs))
        add_run(heading, f"{item.row.number} {item.row.title}")
        renderer.render(item.row.body)
        end = new_paragraph(doc, None)
        run = add_run(end, f"End of section {item.row.number} (please keep this grey line)")
        rpr = OxmlElement("w:rPr")
        rpr.append(OxmlElement("w:color", {qn("w:val"): _GREY}))
        rpr.append(OxmlElement("w:sz", {qn("w:val"): "16"}))
        run.insert(0, rpr)
        end.append(OxmlElement("w:bookmarkEnd", {qn("w:id"): str(index)}))

    properties = {
        PROP_BID: bid_uuid,
        PROP_EXPORTED: moment.isoformat(),
        PROP_COUNT: str(len(sent)),
        PROP_SENT_TO: partner.strip(),
        PROP_SENT_BY: sender,
    }
    if return_by is not None:
        properties[PROP_RETURN_BY] = return_by.isoformat()
    for index, item in enumerate(sent, 1):
        properties[f"{PROP_SECTION}{index}"] = (
            f"{bookmark_name(item.uuid)} {item.uuid} {body_digest(item.row.body)}"
        )
    _set_custom_properties(doc, properties)
    set_properties(
        doc,
        title=title,
        subject=f"Sections sent to {partner.strip() or 'a partner'}",
        author=sender,
        company="",
        when=moment.date(),
    )
    data = document_bytes(doc)
    report(len(sent), len(sent) + 1)  # the last chance to cancel: nothing written yet
    atomic_write(data, Path(target))
    _remember_sent(workspace, sent, partner.strip(), Path(target).name, moment.date())
    whom = partner.strip() or "a partner"
    return ExportResult(
        Path(target), f"Wrote {len(sent)} section(s) ({numbers_text}) to {target} for {whom}."
    )


def suggested_return_date(workspace: Workspace, numbers: Iterable[str]) -> date | None:
    """When the partner should send the sections back: their open tasks' earliest due date."""
    with workspace.reading() as session:
        try:
            chosen = select_sections(section_rows(session), numbers)
        except SectionSelectionError:
            return None
        return _due_date(session, [row.id for row in chosen])


def _due_date(session: Session, section_ids: list[int]) -> date | None:
    """The earliest due date among the chosen sections' unfinished tasks."""
    from crmbid_desktop.store.models import Task

    dates = session.scalars(
        select(Task.due_on).where(
            Task.section_id.in_(section_ids), Task.due_on.is_not(None), Task.status != "done"
        )
    ).all()
    return min((d for d in dates if d is not None), default=None)


def _remember_sent(
    workspace: Workspace, sent: Sequence[_Sent], partner: str, file_name: str, on: date
) -> None:
    """Keep the text as sent in each section's history (once per distinct text)."""
    whom = partner or "a partner"
    with workspace.edit(
        f"Sent section(s) {', '.join(item.row.number for item in sent)} to {whom}",
        action="send sections",
        entity="section",
    ) as session:
        for item in sent:
            tag = f"{_SENT_TAG}{body_digest(item.row.body)}]"
            known = session.scalars(
                select(SectionVersion.id).where(
                    SectionVersion.section_id == item.row.id, SectionVersion.note.like(f"%{tag}%")
                )
            ).first()
            if known is None:
                note = f"As sent to {whom[:100]} on {on.isoformat()} ({file_name[:120]}) {tag}"
                session.add(
                    SectionVersion(
                        section_id=item.row.id,
                        body=item.row.body,
                        saved_by=workspace.user,
                        note=note[:300],
                    )
                )


def _set_custom_properties(doc: object, values: dict[str, str]) -> None:
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    items = "".join(
        f'<property fmtid="{_FMTID}" pid="{pid}" name={quoteattr(name)}>'
        f"<vt:lpwstr>{escape(value)}</vt:lpwstr></property>"
        for pid, (name, value) in enumerate(values.items(), 2)
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"'
        ' xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"{items}</Properties>"
    ).encode()
    package = doc.part.package  # type: ignore[attr-defined]
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == _CUSTOM_RT:
            package.rels.pop(rel_id)
    package.relate_to(Part(PackURI("/docProps/custom.xml"), _CUSTOM_CT, xml, package), _CUSTOM_RT)


def _export_run(workspace: Workspace, target: Path, options: ExportOptions) -> ExportResult:
    return send_sections(
        workspace,
        target,
        options.sections,
        template=options.template,
        partner=options.partner,
    )


# ----- take back ----------------------------------------------------------------------------

#: A section that comes back with fewer than this share of its words is flagged, not ticked.
SHRUNK_BELOW = 0.5


@dataclass
class SectionChange:
    """One section of a returned file against the bid's current text (and the text as sent)."""

    section_uuid: str
    number: str
    title: str
    current: str
    returned: ReturnedSection
    #: The text as it was sent, when the bid or the file still knows it.
    sent: str | None = None
    changed_in_bid_since_sent: bool = False
    #: How the section was found in the file, in plain words ("hidden marker and heading").
    matched_by: str = ""
    #: For a three-way take-back with conflicts: the user's settled text, once chosen, and how
    #: ("ours", "theirs", "both" or "edited").
    settled: str | None = None
    settled_how: str = ""
    _spelt: dict[str, str] = field(default_factory=dict, repr=False, compare=False)
    _merged: dict[str, Merged] = field(default_factory=dict, repr=False, compare=False)

    def returned_text(self, choice: TrackedChoice) -> str:
        """The partner's text, with untouched paragraphs spelt as they were sent."""
        if choice not in self._spelt:
            base = self.sent if self.sent is not None else self.current
            self._spelt[choice] = keep_unchanged_spelling(base, self.returned.text(choice))
        return self._spelt[choice]

    def merged(self, choice: TrackedChoice) -> Merged | None:
        """sent → returned merged with sent → the bid now, when the bid changed since sending."""
        if not self.changed_in_bid_since_sent or self.sent is None:
            return None
        # Asked for many times per redraw of the take-back window: merge each choice once.
        if choice not in self._merged:
            self._merged[choice] = merge_texts(self.sent, self.current, self.returned_text(choice))
        return self._merged[choice]

    def conflicts(self, choice: TrackedChoice) -> int:
        merged = self.merged(choice)
        return len(merged.conflicts) if merged is not None else 0

    def text(self, choice: TrackedChoice) -> str:
        """What taking this section back writes into the bid."""
        if self.settled is not None:
            return self.settled
        merged = self.merged(choice)
        if merged is None:
            return self.returned_text(choice)
        if merged.conflicts:
            return self.current  # nothing is taken until the user settles the conflicts
        return merged.text()

    def changed(self, choice: TrackedChoice) -> bool:
        return bool(self.conflicts(choice) and self.settled is None) or not same_text(
            self.text(choice), self.current
        )

    def shrinkage(self, choice: TrackedChoice) -> str:
        """ "came back empty" or "came back with 40 of its 300 words"; "" when it looks whole."""
        returned = self.returned.text(choice)
        before = word_count(self.sent if self.sent is not None else self.current)
        after = word_count(returned)
        if before and not returned.strip():
            return "came back empty"
        if before >= 10 and after < before * SHRUNK_BELOW:
            return f"came back with {after} of its {before} words"
        return ""

    def warnings(self, choice: TrackedChoice) -> list[str]:
        """Why this section should be looked at before it is taken (empty when it looks fine)."""
        found = [self.shrinkage(choice)] if self.shrinkage(choice) else []
        lost = describe_losses(self.returned.lost)
        if lost:
            verb = "was" if sum(self.returned.lost.values()) == 1 else "were"
            found.append(f"{lost} in the file {verb} not taken in")
        return found

    def ticked_by_default(self, choice: TrackedChoice) -> bool:
        """Changed, not emptied or cut by half, and with no conflict left to settle."""
        unsettled = self.conflicts(choice) and self.settled is None
        return self.changed(choice) and not self.shrinkage(choice) and not unsettled

    @property
    def comments(self) -> list[WordComment]:
        return self.returned.comments


@dataclass
class TakeBackPreview:
    source: Path
    partner_name: str
    changes: list[SectionChange] = field(default_factory=list)
    #: Sections the file says it carries but which could not be found in it.
    missing: list[str] = field(default_factory=list)
    #: Said once above the sections, e.g. that the hidden markers were lost.
    notes: list[str] = field(default_factory=list)

    @property
    def has_tracked_changes(self) -> bool:
        return any(change.returned.has_tracked_changes for change in self.changes)


def normalise(markdown: str) -> str:
    """Ignore differences Word cannot preserve: trailing spaces and blank-line runs."""
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def _partner_name(document: ReturnedDocument, sender: set[str]) -> str:
    """Who sent the file back: its last author unless that is us, and the council it went to."""
    council = document.properties.get(PROP_SENT_TO, "").strip()
    sent_by = document.properties.get(PROP_SENT_BY, "").strip()
    ours = {name.casefold() for name in (*sender, sent_by) if name}
    for key in ("lastModifiedBy", "creator"):
        name = document.core.get(key, "").strip()
        if name and name.casefold() not in ours:
            if council and council.casefold() not in name.casefold():
                return f"{name} ({council})"
            return name
    return council


def _sent_versions(session: Session) -> dict[int, list[SectionVersion]]:
    """Each section's "as sent" versions, newest first."""
    found: dict[int, list[SectionVersion]] = {}
    rows = session.scalars(
        select(SectionVersion)
        .where(SectionVersion.note.like(f"%{_SENT_TAG}%"))
        .order_by(SectionVersion.created_at.desc(), SectionVersion.id.desc())
    )
    for version in rows:
        found.setdefault(version.section_id, []).append(version)
    return found


def _sent_text(versions: list[SectionVersion], digest: str) -> str | None:
    for version in versions:
        if digest and f"{_SENT_TAG}{digest}]" in version.note:
            return version.body
    if digest:
        return None  # sent by another copy of the bid: its text is not known here
    return versions[0].body if versions else None


def preview_returned(
    workspace: Workspace,
    source: Path,
    *,
    into_section: str | None = None,
    progress: Progress | None = None,
) -> TakeBackPreview:
    """Read `source` and compare it with the bid; changes nothing."""
    report = progress or _no_progress
    report(0, 3)
    package = open_package(Path(source))
    report(1, 3)
    document = read_document(package)
    report(2, 3)
    with workspace.reading() as session:
        bid_uuid = session.scalars(select(Bid)).one().uuid
        rows = section_rows(session)
        by_id = {s.id: s for s in session.scalars(select(Section))}
        sent_versions = _sent_versions(session)
    partner = _partner_name(document, {workspace.user})
    by_uuid = {by_id[row.id].uuid: row for row in rows}
    preview = TakeBackPreview(Path(source), partner)
    if into_section is not None:
        target = next((row for row in rows if row.number == into_section.strip()), None)
        if target is None:
            raise SectionSelectionError(f"There is no section {into_section} in this bid.")
        preview.changes.append(
            SectionChange(
                by_id[target.id].uuid,
                target.number,
                target.title,
                target.body,
                document.whole,
                matched_by="chosen by you",
            )
        )
        return preview
    props = document.properties
    if props.get(PROP_BID, bid_uuid) != bid_uuid:
        raise ReturnedFileError(
            f"“{Path(source).name}” was sent from a different bid, so its sections do not "
            "match this one. Open that bid, or import the file into a chosen section."
        )
    digests: dict[str, str] = {}
    listed: list[str] = []
    for name, value in props.items():
        if name.startswith(PROP_SECTION):
            parts = value.split()
            if len(parts) >= 2 and parts[1] in by_uuid:
                digests[parts[1]] = parts[2] if len(parts) > 2 else ""
                listed.append(parts[1])
    # Without the file's list, any section of the bid may be in it (found by its heading).
    candidates = listed or [uuid for uuid, row in by_uuid.items() if row.number]
    expected = []
    for uuid in candidates:
        row = by_uuid[uuid]
        versions = sent_versions.get(row.id, [])
        sent = _sent_text(versions, digests.get(uuid, ""))
        expected.append(
            Expected(uuid, row.number, row.title, bookmark_name(uuid), sent or row.body)
        )
    found = match_sections(document.blocks, expected, use_similarity=bool(listed))
    if not found and PROP_BID not in props:
        raise ReturnedFileError(
            f"“{Path(source).name}” was not sent from CRM Bid Desktop (it has no section "
            "markers and no section headings of this bid). Choose a section to import it "
            "into (--into-section 4.2)."
        )
    if found and not any(block.bookmarks for block in document.blocks):
        preview.notes.append(
            "This file has lost the hidden markers CRM Bid Desktop put in it (the program that "
            "saved it dropped them), so its sections were found by their headings and text. "
            "Check each one below before applying."
        )
    for item in found:
        row = by_uuid[item.key]
        versions = sent_versions.get(row.id, [])
        digest = digests.get(item.key, "")
        sent = _sent_text(versions, digest)
        if digest:
            changed_since = digest != body_digest(row.body)
        else:
            changed_since = sent is not None and not same_text(sent, row.body)
        if sent is None and digest and digest == body_digest(row.body):
            sent = row.body
        heading = document.blocks[item.start].text
        returned = document.convert(
            (document.blocks[i] for i in item.body), bookmark_name(item.key), heading
        )
        preview.changes.append(
            SectionChange(
                item.key,
                row.number,
                row.title,
                row.body,
                returned,
                sent=sent,
                changed_in_bid_since_sent=changed_since,
                matched_by=item.how,
            )
        )
    seen = {item.key for item in found}
    for uuid in listed:
        if uuid not in seen:
            row = by_uuid[uuid]
            preview.missing.append(f"{row.number} {row.title}")
    return preview


def apply_returned(
    workspace: Workspace,
    preview: TakeBackPreview,
    accepted: Iterable[str],
    *,
    choice: TrackedChoice = "accept",
    partner_name: str = "",
    progress: Progress | None = None,
) -> list[str]:
    """Write the accepted sections' returned text (and their Word comments) in one edit.

    `progress` is called inside the edit; raising from it (Cancel) rolls every section back.
    A section whose conflicts are not settled is never written.
    """
    report = progress or _no_progress
    accepted_set = set(accepted)
    chosen = [c for c in preview.changes if c.section_uuid in accepted_set]
    if not chosen:
        return ["Nothing accepted, so the bid was not changed."]
    who = partner_name or preview.partner_name or "a partner"
    numbers = ", ".join(c.number for c in chosen)
    lines: list[str] = []
    summary = f"Took back section(s) {numbers} from {who} ({preview.source.name})"
    with workspace.edit(summary, action="take back", entity="section") as session:
        for index, change in enumerate(chosen):
            report(index, len(chosen))
            section = session.scalars(
                select(Section).where(Section.uuid == change.section_uuid)
            ).one()
            if change.conflicts(choice) and change.settled is None:
                lines.append(
                    f"Section {change.number}: not taken back; its conflicts with the bid's "
                    "later changes are not settled."
                )
                continue
            if section.body != change.current:
                lines.append(
                    f"Section {change.number}: not taken back; it changed in the bid while "
                    "the file was being looked at. Take the file back again."
                )
                continue
            new_body = change.text(choice)
            if not same_text(new_body, section.body):
                session.add(
                    SectionVersion(
                        section_id=section.id,
                        body=section.body,
                        saved_by=workspace.user,
                        note=f"Before taking back {who}'s edits",
                    )
                )
                section.body = new_body
                merged = change.merged(choice)
                how = "merged with the bid's later changes" if merged else "replaced"
                lines.append(f"Section {change.number}: text {how} with {who}'s version.")
            lines += _add_comments(session, section, change.comments, change.number)
        report(len(chosen), len(chosen))
    return lines


def _add_comments(
    session: Session, section: Section, comments: list[WordComment], number: str
) -> list[str]:
    existing = {
        (c.author, c.text)
        for c in session.scalars(select(Comment).where(Comment.section_id == section.id))
    }
    added = 0
    for comment in comments:
        if (comment.author, comment.text) not in existing and comment.text:
            session.add(Comment(section_id=section.id, author=comment.author, text=comment.text))
            existing.add((comment.author, comment.text))
            added += 1
    return [f"Section {number}: {added} Word comment(s) added."] if added else []


# ----- differences ---------------------------------------------------------------------------


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """("equal"|"delete"|"insert", text) pieces that turn `old` into `new`, word by word.

    Near-linear for lightly edited text and cut off at a deadline for a hostile file
    (`domain.textdiff.token_diff`): a 3,000-word section takes well under a second.
    """
    from crmbid_desktop.domain.textdiff import EQUAL, WORDS, token_diff

    a, b = WORDS.findall(old), WORDS.findall(new)
    pieces: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in token_diff(a, b):
        if op == EQUAL:
            pieces.append(("equal", "".join(a[i1:i2])))
        else:
            if i2 > i1:
                pieces.append(("delete", "".join(a[i1:i2])))
            if j2 > j1:
                pieces.append(("insert", "".join(b[j1:j2])))
    return pieces


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def change_lines(change: SectionChange, choice: TrackedChoice) -> list[str]:
    """What the command line prints for one section."""
    head = f"Section {change.number} {change.title}"
    lines: list[str] = []
    if change.matched_by and change.matched_by != BY_MARKER:
        lines.append(f"{head}: found by its {change.matched_by}.")
    if change.returned.has_tracked_changes:
        verb = "accepted" if choice == "accept" else "rejected"
        lines.append(
            f"{head}: tracked changes in the file ("
            f"{_plural(change.returned.insertions, 'insertion')}, "
            f"{_plural(change.returned.deletions, 'deletion')}) {verb}."
        )
    for warning in change.warnings(choice):
        lines.append(f"{head}: warning: {warning}.")
    merged = change.merged(choice)
    if merged is not None:
        lines.append(
            f"{head}: the bid's text changed since the file was sent; merging both: "
            f"{plain_counts(merged)}."
        )
    if not change.changed(choice):
        lines.append(f"{head}: unchanged.")
    elif merged is not None and merged.conflicts and change.settled is None:
        lines.append(f"{head}: left as it is; settle the conflicts in File > Take back.")
    else:
        old, new = readable(change.current), readable(change.text(choice))
        from crmbid_desktop.domain.textdiff import changed_lines

        diff = changed_lines(normalise(old).splitlines(), normalise(new).splitlines())
        added = removed = 0
        for piece in word_diff(old, new):
            if piece[1].strip():
                if piece[0] == "insert":
                    added += len(piece[1].split())
                elif piece[0] == "delete":
                    removed += len(piece[1].split())
        lines.append(f"{head}: {_plural(added, 'word')} added, {removed} removed.")
        lines += ["    " + line for line in diff]
    if change.comments:
        lines.append(f"{head}: {_plural(len(change.comments), 'Word comment')}.")
    return lines


def _import_run(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    choice: TrackedChoice = "reject" if options.reject_tracked else "accept"
    preview = preview_returned(workspace, source, into_section=options.into_section)
    lines: list[str] = [*preview.notes]
    for change in preview.changes:
        lines += change_lines(change, choice)
    for missing in preview.missing:
        lines.append(f"Not found in the returned file: section {missing} (heading deleted?).")
    held = [
        c
        for c in preview.changes
        if c.changed(choice) and not c.ticked_by_default(choice) and not c.conflicts(choice)
    ]
    for change in held:
        lines.append(
            f"Section {change.number}: not taken back from the command line because it "
            f"{' and '.join(change.warnings(choice))}; look at it in File > Take back."
        )
    if options.dry_run:
        lines.append("Dry run: the bid was not changed.")
    else:
        wanted = [
            c.section_uuid
            for c in preview.changes
            if c.ticked_by_default(choice) or (c.comments and not c.changed(choice))
        ]
        lines += apply_returned(workspace, preview, wanted, choice=choice)
    return ImportReport(lines, rejected=0)


register_exporter(
    Handler(
        ".docx",
        "sections",
        "Sections for a partner to edit in Word",
        _export_run,
        name_hints=("section",),
    )
)
register_importer(
    Handler(
        ".docx",
        "returned",
        "A partner's returned Word file (or any .docx into a chosen section)",
        _import_run,
        name_hints=("returned",),
    )
)
