"""One guarded reader for every zip-based file from outside: Word files, templates, spreadsheets.

Word documents, Word templates and Excel workbooks are zip packages of XML parts. A file from a
partner or a council's IT department is untrusted, so before any library sees it the package's
directory is checked (declared sizes, ratios, entry counts, encryption, compression methods), every
part is read with a bound, and every XML part must start like XML without a DOCTYPE (in any
encoding, UTF-16 included). Each refusal is an `UnsafeFileError` whose message names the file and
the part.
"""

from __future__ import annotations

import lzma
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from lxml import etree

MB = 1024 * 1024


@dataclass(frozen=True)
class ZipLimits:
    """How large a package of one kind may be; real files sit far below each figure."""

    #: What the user would call the file in a message ("a Word (.docx) file").
    kind: str
    #: The file on disk.
    max_file_bytes: int = 100 * MB
    #: All parts unpacked together.
    max_total_bytes: int = 100 * MB
    #: One part unpacked (document.xml of a 300-page bid is ~5 MB).
    max_part_bytes: int = 60 * MB
    #: Deflate rarely beats 1:100 on real Office XML; zip bombs run at 1:1000 and more.
    max_ratio: int = 200
    #: Below this a high ratio is harmless (a run of spaces compresses very well).
    ratio_floor_bytes: int = MB
    max_entries: int = 2000


WORD_FILE = ZipLimits("a Word (.docx) file")
WORD_TEMPLATE = ZipLimits("a Word document or template (.docx, .dotx)")
SPREADSHEET = ZipLimits(
    "a readable Excel workbook (.xlsx)", max_total_bytes=200 * MB, max_part_bytes=150 * MB
)

#: Office writes parts stored or deflated; anything else is a crafted or foreign file.
_METHODS = {zipfile.ZIP_STORED: "stored", zipfile.ZIP_DEFLATED: "deflated"}
_METHOD_NAMES = {zipfile.ZIP_BZIP2: "bzip2", zipfile.ZIP_LZMA: "LZMA", 9: "Deflate64"}
#: A DOCTYPE or a very long comment before the root element is not how Office starts a part.
_MAX_PROLOG_BYTES = MB
_CHUNK = 64 * 1024
#: What breaks while unpacking a damaged part, by library: zipfile, zlib, lzma, and a lying header.
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    OSError,
    EOFError,
    NotImplementedError,
    RuntimeError,
    ValueError,
)


class UnsafeFileError(ValueError):
    """The file is refused before any library reads it; the message names the file and part."""

    def __init__(self, path: Path, reason: str, *, part: str | None = None) -> None:
        super().__init__(f"Cannot read “{Path(path).name}”: {reason}")
        self.path = Path(path)
        self.reason = reason
        self.part = part


def is_xml_part(name: str) -> bool:
    return name.lower().endswith((".xml", ".rels", ".vml"))


class GuardedZip:
    """A zip package whose directory passed the checks; parts are read only through `read`."""

    def __init__(self, path: Path, limits: ZipLimits) -> None:
        self.path = Path(path)
        self.limits = limits
        try:
            size = self.path.stat().st_size
        except OSError as error:
            raise UnsafeFileError(
                self.path, f"the file cannot be opened ({error.strerror or error})."
            ) from error
        if size > limits.max_file_bytes:
            raise UnsafeFileError(
                self.path, f"the file is larger than {limits.max_file_bytes // MB} MB."
            )
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
            raise UnsafeFileError(
                self.path, f"it is not {limits.kind}: the file is not a zip package."
            ) from error
        try:
            self.infos = self._check_directory(self._zip.infolist())
        except BaseException:
            self._zip.close()
            raise

    def _check_directory(self, infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
        limits = self.limits
        if len(infos) > limits.max_entries:
            raise UnsafeFileError(
                self.path, f"it holds {len(infos)} parts; Office writes far fewer."
            )
        names: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            if name in names:
                raise UnsafeFileError(
                    self.path, f"it holds two parts named {name}, so it was refused.", part=name
                )
            names[name] = info
            if info.flag_bits & 0x1:
                raise UnsafeFileError(
                    self.path,
                    f"its part {name} is encrypted (password-protected). Remove the password "
                    "in Office and save the file again.",
                    part=name,
                )
            if info.compress_type not in _METHODS:
                method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
                raise UnsafeFileError(
                    self.path,
                    f"its part {name} is compressed with {method}, which Office never writes.",
                    part=name,
                )
            total += info.file_size
            if total > limits.max_total_bytes:
                raise UnsafeFileError(
                    self.path,
                    f"it would unpack to more than {limits.max_total_bytes // MB} MB "
                    "(a “zip bomb”), so it was refused.",
                )
            if info.file_size > limits.ratio_floor_bytes and info.file_size > (
                limits.max_ratio * max(info.compress_size, 1)
            ):
                raise UnsafeFileError(
                    self.path,
                    f"its part {name} is compressed suspiciously well "
                    f"({info.file_size // max(info.compress_size, 1)}:1), so it was refused.",
                    part=name,
                )
            if info.file_size > limits.max_part_bytes:
                raise UnsafeFileError(
                    self.path,
                    f"its part {name} would unpack to more than "
                    f"{limits.max_part_bytes // MB} MB, so it was refused.",
                    part=name,
                )
        return names

    # -- reading ----------------------------------------------------------------------------------

    def has(self, name: str) -> bool:
        return name in self.infos

    def read(self, name: str) -> bytes:
        """The whole part, never more than it declares; XML parts are checked for a DOCTYPE."""
        info = self.infos[name]
        data = bytearray()
        for chunk in self._chunks(info):
            data += chunk
        if is_xml_part(name):
            check_xml_start(bytes(data), self.path, name)
        return bytes(data)

    def check_xml_part(self, name: str) -> None:
        """Read only as far as the part's root element, refusing a DOCTYPE or a non-XML start."""
        parser = _prolog_parser()
        read = 0
        for chunk in self._chunks(self.infos[name]):
            read += len(chunk)
            if _fed_to_root(parser, chunk, self.path, name):
                return
            if read > _MAX_PROLOG_BYTES:
                break
        raise UnsafeFileError(
            self.path, f"its part {name} does not start like XML written by Office.", part=name
        )

    def check_all_xml(self) -> None:
        for name in self.infos:
            if is_xml_part(name):
                self.check_xml_part(name)

    def _chunks(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        read = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        break
                    read += len(chunk)
                    if read > info.file_size:
                        raise UnsafeFileError(
                            self.path,
                            f"its part {info.filename} is larger than it declares.",
                            part=info.filename,
                        )
                    yield chunk
        except UnsafeFileError:
            raise
        except _READ_ERRORS as error:
            raise UnsafeFileError(
                self.path,
                f"its part {info.filename} is damaged ({_describe(error)}).",
                part=info.filename,
            ) from error

    def open_stream(self, name: str) -> _BoundedStream:
        """A bounded stream of one part for a streaming parser; read errors become messages."""
        return _BoundedStream(self, self.infos[name])

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> GuardedZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


class _BoundedStream:
    """File-like reader over `GuardedZip._chunks` for lxml's iterparse."""

    def __init__(self, archive: GuardedZip, info: zipfile.ZipInfo) -> None:
        self._chunks = archive._chunks(info)
        self._buffer = b""

    def read(self, size: int = -1) -> bytes:
        while size < 0 or len(self._buffer) < size:
            chunk = next(self._chunks, b"")
            if not chunk:
                break
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    if isinstance(error, zlib.error):
        return f"its compressed data is corrupt: {text}"
    if isinstance(error, lzma.LZMAError):
        return f"its LZMA data is corrupt: {text}"
    return text


def _prolog_parser() -> etree.XMLPullParser:
    # Entities are never resolved and no DTD is loaded, whatever the part declares.
    return etree.XMLPullParser(
        events=("start",),
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
    )


def _fed_to_root(parser: etree.XMLPullParser, chunk: bytes, path: Path, name: str) -> bool:
    """Feed a chunk; True once the root element has started (and carried no DOCTYPE)."""
    try:
        parser.feed(chunk)
        for _event, element in parser.read_events():
            docinfo = element.getroottree().docinfo  # type: ignore[union-attr]  # start events only
            if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[union-attr]  # lxml-stubs lacks doctype
                raise UnsafeFileError(
                    path,
                    f"its part {name} declares a DOCTYPE (XML entities), which Office never "
                    "writes, so it was refused.",
                    part=name,
                )
            return True
    except etree.XMLSyntaxError as error:
        raise UnsafeFileError(
            path, f"its part {name} is not valid XML ({error}).", part=name
        ) from (error)
    return False


def check_xml_start(data: bytes, path: Path, name: str) -> None:
    """Refuse XML that declares a DOCTYPE (in any encoding) or does not start like XML."""
    parser = _prolog_parser()
    limit = min(len(data), _MAX_PROLOG_BYTES)
    for start in range(0, max(limit, 1), _CHUNK):
        if _fed_to_root(parser, data[start : start + _CHUNK], path, name):
            return
    raise UnsafeFileError(
        path, f"its part {name} does not start like XML written by Office.", part=name
    )
