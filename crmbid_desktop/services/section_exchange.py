"""Sending sections to a partner as a Word file and taking their returned text back.

Send writes the sections into the proposal's template with hidden identifiers (custom document
properties and one bookmark per section). Take back reads the returned file safely, matches the
sections by those identifiers and previews, per section, the current and returned text; nothing
changes the bid until `apply_returned` is called with the sections the user accepted.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select
from sqlalchemy.orm import Session

from crmbid_desktop.services.docx_reader import (
    BOOKMARK_PREFIX,
    ReturnedSection,
    TrackedChoice,
    WordComment,
    read_document,
)
from crmbid_desktop.services.docx_safety import open_package
from crmbid_desktop.services.file_formats import (
    ExportOptions,
    ExportResult,
    Handler,
    ImportOptions,
    ImportReport,
    register_exporter,
    register_importer,
)
from crmbid_desktop.services.queries import SectionRow, section_rows
from crmbid_desktop.services.workspace import Workspace
from crmbid_desktop.store.models import Bid, Comment, Section, SectionVersion

PROP_BID = "crmbid.bid"
PROP_EXPORTED = "crmbid.exported_at"
PROP_COUNT = "crmbid.sections"
PROP_SECTION = "crmbid.section."  # + index: "<bookmark> <section uuid> <sha256 of body sent>"
_CUSTOM_CT = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_CUSTOM_RT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
_FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
_GREY = "808080"

COVER_NOTE = (
    "Please write or review the sections below in this document. Change the text under each "
    "section heading as you like: add, delete or reformat text, add lists and tables, use "
    "Track Changes and comments if you wish.",
    "Please do not change the section headings or delete the grey “End of section” lines: "
    "they tell CRM Bid Desktop where each section starts and ends.",
    "When you have finished, save the document (keep the Word .docx format) and email it back. "
    "Nothing you write changes the bid until the bid team has looked at it and accepted it.",
)


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
) -> ExportResult:
    """Write the chosen sections to `target`; a cancel (raised by `progress`) writes nothing."""
    report = progress or _no_progress
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    from crmbid_desktop.services import docx_styles as st
    from crmbid_desktop.services.docx_export import default_template
    from crmbid_desktop.services.docx_markdown import (
        MarkdownRenderer,
        add_run,
        new_paragraph,
        set_numbering,
    )
    from crmbid_desktop.services.docx_package import (
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
    sent = [_Sent(row, uuids[row.id]) for row in chosen]
    base_depth = min(item.row.depth for item in sent)

    doc = load_document(template or default_template())
    empty_body(doc)
    drop_stale_parts(doc)
    styles, numbering = st.install(doc)
    renderer = MarkdownRenderer(doc, styles, numbering)

    numbers_text = ", ".join(item.row.number for item in sent)
    add_run(new_paragraph(doc, styles[st.TITLE]), f"{bid_title}: sections {numbers_text}")
    for line in COVER_NOTE:
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
    }
    for index, item in enumerate(sent, 1):
        properties[f"{PROP_SECTION}{index}"] = (
            f"{bookmark_name(item.uuid)} {item.uuid} {body_digest(item.row.body)}"
        )
    _set_custom_properties(doc, properties)
    set_properties(
        doc,
        title=f"{bid_title}: sections {numbers_text}",
        subject="Sections sent to a partner",
        author=workspace.user,
        company="",
        when=moment.date(),
    )
    data = document_bytes(doc)
    report(len(sent), len(sent) + 1)  # the last chance to cancel: nothing written yet
    atomic_write(data, Path(target))
    return ExportResult(
        Path(target), f"Wrote {len(sent)} section(s) ({numbers_text}) to {target} for a partner."
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
    return send_sections(workspace, target, options.sections, template=options.template)


# ----- take back ----------------------------------------------------------------------------


@dataclass
class SectionChange:
    """One section of a returned file against the bid's current text."""

    section_uuid: str
    number: str
    title: str
    current: str
    returned: ReturnedSection
    changed_in_bid_since_sent: bool = False

    def text(self, choice: TrackedChoice) -> str:
        return self.returned.text(choice)

    def changed(self, choice: TrackedChoice) -> bool:
        return not same_text(self.text(choice), self.current)

    @property
    def comments(self) -> list[WordComment]:
        return self.returned.comments


@dataclass
class TakeBackPreview:
    source: Path
    partner_name: str
    changes: list[SectionChange] = field(default_factory=list)
    #: Sections the file says it carries but whose heading bookmark is gone.
    missing: list[str] = field(default_factory=list)

    @property
    def has_tracked_changes(self) -> bool:
        return any(change.returned.has_tracked_changes for change in self.changes)


def normalise(markdown: str) -> str:
    """Ignore differences Word cannot preserve: trailing spaces and blank-line runs."""
    lines = [line.rstrip() for line in markdown.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def same_text(a: str, b: str) -> bool:
    """Same content once parsed: a list Word cannot keep "loose" counts as the same list."""
    if normalise(a) == normalise(b):
        return True
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table")

    def shape(text: str) -> list[tuple[str, str, str]]:
        return [
            (token.type, token.tag, token.content)
            for token in parser.parse(text)
            if token.type not in ("paragraph_open", "paragraph_close")
        ]

    return shape(a) == shape(b)


def _partner_from_core(package_parts: dict[str, bytes]) -> str:
    data = package_parts.get("docProps/core.xml", b"")
    for tag in (b"cp:lastModifiedBy", b"dc:creator"):
        match = re.search(rb"<" + tag + rb">([^<]{1,200})</" + tag + rb">", data)
        if match:
            return match.group(1).decode("utf-8", "replace").strip()
    return ""


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
    partner = _partner_from_core(package.parts)
    with workspace.reading() as session:
        bid_uuid = session.scalars(select(Bid)).one().uuid
        rows = section_rows(session)
        by_id = {s.id: s for s in session.scalars(select(Section))}
    by_uuid = {by_id[row.id].uuid: row for row in rows}
    preview = TakeBackPreview(Path(source), partner)
    if into_section is not None:
        target = next((row for row in rows if row.number == into_section.strip()), None)
        if target is None:
            raise SectionSelectionError(f"There is no section {into_section} in this bid.")
        preview.changes.append(
            SectionChange(
                by_id[target.id].uuid, target.number, target.title, target.body, document.whole
            )
        )
        return preview
    props = document.properties
    if PROP_BID not in props:
        raise ReturnedFileError(
            f"“{Path(source).name}” was not sent from CRM Bid Desktop (it has no section "
            "markers). Choose a section to import it into (--into-section 4.2)."
        )
    if props[PROP_BID] != bid_uuid:
        raise ReturnedFileError(
            f"“{Path(source).name}” was sent from a different bid, so its sections do not "
            "match this one. Open that bid, or import the file into a chosen section."
        )
    sent: dict[str, tuple[str, str]] = {}
    for name, value in props.items():
        if name.startswith(PROP_SECTION):
            parts = value.split()
            if len(parts) >= 2:
                sent[parts[0]] = (parts[1], parts[2] if len(parts) > 2 else "")
    found = set()
    for returned in document.sections:
        section_uuid, digest = sent.get(returned.bookmark, ("", ""))
        row = by_uuid.get(section_uuid)
        if row is None:
            continue  # a bookmark copied from elsewhere or a section deleted since sending
        found.add(returned.bookmark)
        preview.changes.append(
            SectionChange(
                section_uuid,
                row.number,
                row.title,
                row.body,
                returned,
                changed_in_bid_since_sent=bool(digest) and digest != body_digest(row.body),
            )
        )
    for bookmark, (section_uuid, _digest) in sent.items():
        if bookmark not in found:
            row = by_uuid.get(section_uuid)
            preview.missing.append(
                f"{row.number} {row.title}" if row else "a section since deleted from the bid"
            )
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
                lines.append(f"Section {change.number}: text replaced with {who}'s version.")
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


def change_lines(change: SectionChange, choice: TrackedChoice) -> list[str]:
    """What the command line prints for one section."""
    head = f"Section {change.number} {change.title}"
    lines: list[str] = []
    if change.returned.has_tracked_changes:
        verb = "accepted" if choice == "accept" else "rejected"
        lines.append(
            f"{head}: tracked changes in the file ({change.returned.insertions} insertion(s), "
            f"{change.returned.deletions} deletion(s)) {verb}."
        )
    if change.changed_in_bid_since_sent:
        lines.append(f"{head}: warning: the bid's text changed since the file was sent.")
    if not change.changed(choice):
        lines.append(f"{head}: unchanged.")
    else:
        diff = difflib.unified_diff(
            normalise(change.current).splitlines(),
            normalise(change.text(choice)).splitlines(),
            "current",
            "returned",
            lineterm="",
            n=0,
        )
        added = removed = 0
        for piece in word_diff(change.current, change.text(choice)):
            if piece[1].strip():
                if piece[0] == "insert":
                    added += len(piece[1].split())
                elif piece[0] == "delete":
                    removed += len(piece[1].split())
        lines.append(f"{head}: {added} word(s) added, {removed} removed.")
        lines += ["    " + line for line in list(diff)[2:]]
    if change.comments:
        lines.append(f"{head}: {len(change.comments)} Word comment(s).")
    return lines


def _import_run(workspace: Workspace, source: Path, options: ImportOptions) -> ImportReport:
    preview = preview_returned(workspace, source, into_section=options.into_section)
    lines: list[str] = []
    for change in preview.changes:
        lines += change_lines(change, "accept")
    for missing in preview.missing:
        lines.append(f"Not found in the returned file: section {missing} (heading deleted?).")
    if options.dry_run:
        lines.append("Dry run: the bid was not changed.")
    else:
        wanted = [c.section_uuid for c in preview.changes if c.changed("accept") or c.comments]
        lines += apply_returned(workspace, preview, wanted)
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
