"""Runs the built Windows program from a console window and reads what it printed there.

    python.exe tests/tools/console_probe.py "C:\\...\\CRM Bid Desktop.exe" EXPECTED ARG...

Under a Windows Python (.ci/windows runs it under Wine). The program is a GUI program: started
without standard handles, as from a Command Prompt window, it has no output streams and attaches
to the console of the process that started it (app.ensure_output_streams, AttachConsole). This
script makes a console of its own, starts the program with no standard handles, and reads the
console's screen back: exit 0 when EXPECTED is on it, 1 (printing the screen) when not.
"""

from __future__ import annotations

import ctypes
import subprocess
import sys
from ctypes import wintypes

STD_OUTPUT_HANDLE = -11
STARTF_USESTDHANDLES = 0x100


class _Coord(ctypes.Structure):
    _fields_ = [("X", wintypes.SHORT), ("Y", wintypes.SHORT)]


class _ScreenInfo(ctypes.Structure):
    _fields_ = [
        ("dwSize", _Coord),
        ("dwCursorPosition", _Coord),
        ("wAttributes", wintypes.WORD),
        ("srWindow", wintypes.SMALL_RECT),
        ("dwMaximumWindowSize", _Coord),
    ]


def console_text(kernel32: ctypes.WinDLL) -> str:
    """Every line of this process's console screen buffer, trailing blanks removed."""
    screen = kernel32.GetStdHandle(STD_OUTPUT_HANDLE)
    info = _ScreenInfo()
    if not kernel32.GetConsoleScreenBufferInfo(screen, ctypes.byref(info)):
        raise ctypes.WinError(ctypes.get_last_error())
    width, rows = info.dwSize.X, info.dwCursorPosition.Y + 1
    buffer = ctypes.create_unicode_buffer(width * rows)
    read = wintypes.DWORD()
    kernel32.ReadConsoleOutputCharacterW(
        screen, buffer, width * rows, _Coord(0, 0), ctypes.byref(read)
    )
    text = buffer.value[: read.value]
    return "\n".join(text[i : i + width].rstrip() for i in range(0, len(text), width))


def main(argv: list[str]) -> int:
    exe, expected, arguments = argv[0], argv[1], argv[2:]
    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)
    kernel32.GetStdHandle.restype = wintypes.HANDLE
    kernel32.FreeConsole()
    if not kernel32.AllocConsole():
        raise ctypes.WinError(ctypes.get_last_error())
    # No standard handles at all: what a GUI program gets when started from a console window.
    startup = subprocess.STARTUPINFO(
        dwFlags=STARTF_USESTDHANDLES, hStdInput=0, hStdOutput=0, hStdError=0
    )
    code = subprocess.call([exe, *arguments], startupinfo=startup, timeout=300)
    screen = console_text(kernel32)
    kernel32.FreeConsole()
    report = sys.__stderr__ or sys.stderr
    if expected not in screen:
        print(f"not on the console: {expected!r}; the console shows:\n{screen}", file=report)
        return 1
    print(f"on the console (exit {code}): {expected}", file=report)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
