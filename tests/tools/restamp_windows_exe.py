"""Stamps a newer version into a built Windows program folder, as a release step, without rebuilding.

    python tests/tools/restamp_windows_exe.py "dist/CRM Bid Desktop" 0.1.1

The program reads its version at run time from crmbid_desktop/BUILD_VERSION in the folder
(crmbid_desktop/__init__.py), so `--version`, About and the crash report show the new one. The
.exe's version resource (Explorer's Details tab) is rewritten in place with pefile: the fixed
numbers always, the text versions when the new one is as long as the old (0.1.0 -> 0.1.1; a
longer one is refused, as the text cannot grow in place). .ci/msi.sh uses this for the MSI it
upgrades to, which saves a second ten-minute PyInstaller run under Wine.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pefile

ROOT = Path(__file__).resolve().parents[2]
RT_VERSION = 16


def restamp_exe(exe: Path, old: str, new: str) -> None:
    numbers = runpy.run_path(str(ROOT / "tests" / "tools" / "windows_version.py"))["version_tuple"]
    if len(new) != len(old):
        raise SystemExit(f"restamp: {new!r} is not as long as {old!r}; rebuild with CRMBID_VERSION")
    pe = pefile.PE(str(exe))
    a, b, c, d = numbers(new)
    for fixed in pe.VS_FIXEDFILEINFO:
        fixed.FileVersionMS = fixed.ProductVersionMS = (a << 16) | b
        fixed.FileVersionLS = fixed.ProductVersionLS = (c << 16) | d
    blocks = []
    for entry in pe.DIRECTORY_ENTRY_RESOURCE.entries:
        if entry.id == RT_VERSION:
            for named in entry.directory.entries:
                for language in named.directory.entries:
                    data = language.data.struct
                    blocks.append((pe.get_offset_from_rva(data.OffsetToData), data.Size))
    # pefile writes back the structures it parsed (the version strings among them) over any
    # byte changed beneath them: write the numbers first, then change the text in those bytes.
    stamped = bytearray(pe.write())
    pe.close()
    old_text, new_text = (old + "\0").encode("utf-16-le"), (new + "\0").encode("utf-16-le")
    replaced = 0
    for start, size in blocks:
        at = stamped.find(old_text, start, start + size)
        while at >= 0:
            stamped[at : at + len(new_text)] = new_text
            replaced += 1
            at = stamped.find(old_text, at + 1, start + size)
    if replaced != 2:  # FileVersion and ProductVersion
        raise SystemExit(f"restamp: found the text {old!r} {replaced} times in {exe.name}, not 2")
    pe = pefile.PE(data=bytes(stamped))
    pe.OPTIONAL_HEADER.CheckSum = pe.generate_checksum()
    exe.write_bytes(bytes(pe.write()))


def main(argv: list[str]) -> int:
    folder, new = Path(argv[0]), argv[1]
    version_file = folder / "_internal" / "crmbid_desktop" / "BUILD_VERSION"
    if not version_file.is_file():
        raise SystemExit(f"restamp: {folder} has no {version_file.relative_to(folder)}")
    old = version_file.read_text(encoding="ascii").strip()
    exe = folder / "CRM Bid Desktop.exe"
    restamp_exe(exe, old, new)
    version_file.write_text(new + "\n", encoding="ascii")
    print(f"{folder.name}: version {old} -> {new} (BUILD_VERSION and the .exe's version resource)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
