"""Damaging real zip packages the way attackers and broken tools do, for the hostile-input tests."""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable
from pathlib import Path


def rewrite(
    source: Path,
    target: Path,
    change: Callable[[str, bytes], bytes | None],
    *,
    method: int = zipfile.ZIP_DEFLATED,
    methods: dict[str, int] | None = None,
) -> Path:
    """Copy a package part by part; `change(name, data)` returns new data, or None to drop it."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w") as dst:
        for info in src.infolist():
            data = change(info.filename, src.read(info))
            if data is None:
                continue
            dst.writestr(
                info.filename, data, compress_type=(methods or {}).get(info.filename, method)
            )
    return target


def part_bytes(source: Path, name: str) -> bytes:
    with zipfile.ZipFile(source) as archive:
        return archive.read(name)


def set_encrypted_flag(path: Path, name: str) -> None:
    """Mark one entry as encrypted in both its local header and the central directory."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    offset = info.header_offset
    flags = struct.unpack_from("<H", data, offset + 6)[0]
    struct.pack_into("<H", data, offset + 6, flags | 1)
    encoded = name.encode()
    position = data.find(b"PK\x01\x02")
    while position >= 0:
        name_length = struct.unpack_from("<H", data, position + 28)[0]
        if bytes(data[position + 46 : position + 46 + name_length]) == encoded:
            flags = struct.unpack_from("<H", data, position + 8)[0]
            struct.pack_into("<H", data, position + 8, flags | 1)
        position = data.find(b"PK\x01\x02", position + 4)
    path.write_bytes(bytes(data))


def corrupt_data(path: Path, name: str, *, at: int = 8, length: int = 16) -> None:
    """Overwrite bytes inside one entry's compressed data (a damaged deflate stream)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    offset = info.header_offset
    name_length, extra_length = struct.unpack_from("<HH", data, offset + 26)
    start = offset + 30 + name_length + extra_length
    stop = min(start + info.compress_size, start + at + length)
    for position in range(start + at, stop):
        data[position] = 0xFF - data[position]
    path.write_bytes(bytes(data))


def with_doctype(xml: bytes, *, encoding: str = "utf-8") -> bytes:
    """The same part with an entity-declaring DOCTYPE before its root, in `encoding`."""
    text = xml.decode("utf-8")
    if text.startswith("<?xml"):
        text = text.split("?>", 1)[1]
    declared = "UTF-16" if encoding.startswith("utf-16") else "UTF-8"
    text = (
        f'<?xml version="1.0" encoding="{declared}"?>'
        '<!DOCTYPE x [<!ENTITY hidden "words that would vanish">]>' + text.lstrip()
    )
    return text.encode(encoding)
