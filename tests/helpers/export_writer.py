"""A process that exports a big file again and again through atomic_write, reporting each one."""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from crmbid_desktop.services.bid.atomic_files import atomic_write

CHUNK = b"The long-term sustainability strategy for the CRM National Project. " * 1000


def export_bytes(generation: int, size: int) -> bytes:
    """A file that says which export it is and carries its own checksum, so damage shows."""
    body = f"export {generation}\n".encode() + (CHUNK * (size // len(CHUNK) + 1))[:size]
    return body + b"\nsha256 " + hashlib.sha256(body).hexdigest().encode()


def check_export(data: bytes) -> int:
    """The export's generation; raises ValueError for a partial or damaged file."""
    body, marker, digest = data.rpartition(b"\nsha256 ")
    if not marker or hashlib.sha256(body).hexdigest().encode() != digest:
        raise ValueError(f"damaged export ({len(data)} bytes)")
    return int(body.split(b"\n", 1)[0].split()[1])


def main() -> None:
    target, first, count, size = Path(sys.argv[1]), *map(int, sys.argv[2:5])
    for generation in range(first, first + count):
        data = export_bytes(generation, size)

        def write(temporary: Path, data: bytes = data) -> None:
            with temporary.open("wb") as handle:
                for start in range(0, len(data), 1 << 16):  # in pieces, as a real exporter does
                    handle.write(data[start : start + (1 << 16)])

        atomic_write(target, write)
        print(f"written {generation}", flush=True)


if __name__ == "__main__":
    main()
