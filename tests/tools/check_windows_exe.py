"""Reads the built Windows program with pefile: version resource, icon and GUI subsystem.

    python tests/tools/check_windows_exe.py "dist/CRM Bid Desktop/CRM Bid Desktop.exe"

Checks what Explorer shows under Properties > Details (product name and the version from
crmbid_desktop.__version__), that the icon Explorer and the Start menu show is resources/icons/app.ico
image for image, and that the program is a GUI program (no console window opens with it).
Exit 1 naming what is wrong.
"""

from __future__ import annotations

import re
import runpy
import struct
import sys
from pathlib import Path

import pefile

ROOT = Path(__file__).resolve().parents[2]
RT_ICON, RT_GROUP_ICON, RT_MANIFEST = 3, 14, 24


def ico_images(ico: bytes) -> list[bytes]:
    """The image data of each entry of an .ico file."""
    _reserved, _kind, count = struct.unpack_from("<HHH", ico, 0)
    images = []
    for index in range(count):
        size, offset = struct.unpack_from("<II", ico, 6 + 16 * index + 8)
        images.append(ico[offset : offset + size])
    return images


def resource_data(pe: pefile.PE, kind: int) -> list[bytes]:
    found = []
    for entry in pe.DIRECTORY_ENTRY_RESOURCE.entries:
        if entry.id != kind:
            continue
        for named in entry.directory.entries:
            for language in named.directory.entries:
                data = language.data.struct
                found.append(pe.get_data(data.OffsetToData, data.Size))
    return found


def problems(exe: Path) -> list[str]:
    version = runpy.run_path(str(ROOT / "tests" / "tools" / "windows_version.py"))
    expected = version["build_version"](ROOT)
    numbers = version["version_tuple"](expected)
    pe = pefile.PE(str(exe))
    found: list[str] = []
    if pe.OPTIONAL_HEADER.Subsystem != pefile.SUBSYSTEM_TYPE["IMAGE_SUBSYSTEM_WINDOWS_GUI"]:
        found.append(f"subsystem {pe.OPTIONAL_HEADER.Subsystem}: a console window would open")
    strings: dict[bytes, bytes] = {}
    for info in getattr(pe, "FileInfo", [[]])[0]:
        if info.Key == b"StringFileInfo":
            for table in info.StringTable:
                strings.update(table.entries)
    for key, want in (
        (b"ProductName", "CRM Bid Desktop"),
        (b"ProductVersion", expected),
        (b"FileVersion", expected),
        (b"OriginalFilename", "CRM Bid Desktop.exe"),
    ):
        have = strings.get(key, b"").decode("utf-8", "replace")
        if have != want:
            found.append(f"version resource {key.decode()} is {have!r}, expected {want!r}")
    fixed = pe.VS_FIXEDFILEINFO[0]
    file_version = (
        fixed.FileVersionMS >> 16,
        fixed.FileVersionMS & 0xFFFF,
        fixed.FileVersionLS >> 16,
        fixed.FileVersionLS & 0xFFFF,
    )
    if file_version != numbers:
        found.append(f"fixed file version {file_version}, expected {numbers}")
    icons = resource_data(pe, RT_ICON)
    expected_icons = ico_images((ROOT / "resources" / "icons" / "app.ico").read_bytes())
    if not resource_data(pe, RT_GROUP_ICON):
        found.append("no icon group: Explorer would show a blank program icon")
    if sorted(icons) != sorted(expected_icons):
        found.append(
            f"the {len(icons)} icon images are not the {len(expected_icons)} of resources/icons/app.ico"
        )
    manifest = b"".join(resource_data(pe, RT_MANIFEST))
    if not re.search(rb"<longPathAware[^>]*>\s*true\s*</longPathAware>", manifest):
        # Without it Windows keeps the program to 259-character paths even when IT has turned
        # long paths on (file_paths.py relies on the manifest saying so).
        found.append("the manifest does not declare longPathAware")
    if not found:
        print(
            f"{exe.name}: GUI program, version {expected} {file_version}, "
            f"{len(icons)} icon images from app.ico, long-path aware"
        )
    return found


def main(argv: list[str]) -> int:
    found = problems(Path(argv[0]))
    for problem in found:
        print(f"{argv[0]}: {problem}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
