"""Entry point: `crmbid-desktop [FILE]` opens the GUI; `crmbid-desktop COMMAND ...` runs a command."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from crmbid_desktop import APP_NAME, __version__

if TYPE_CHECKING:
    from crmbid_desktop.logs import CrashTrace


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="crmbid-desktop",
        description=f"{APP_NAME}: opens a bid file (or the default bid) in the main window. "
        "Commands: new FILE, check FILE (run 'crmbid-desktop COMMAND --help').",
    )
    parser.add_argument(
        "file",
        nargs="?",
        type=_place,
        help="the .crmbid file to open, or a postgresql://host/database address",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the main window, visit every page, close and exit 0",
    )
    parser.add_argument(
        "--no-crash-dialog",
        action="store_true",
        help="log unexpected errors without showing a dialog (for automated runs)",
    )
    return parser


def _place(text: str) -> Path | str:
    from crmbid_desktop.cli import _place as place

    return place(text)


def ensure_output_streams() -> None:
    """Give print() somewhere to go when the program was started without a console.

    The Windows program is built windowed, so it starts with sys.stdout and sys.stderr set to None
    and every print() (command output, the smoke test, argparse's --help) would raise. Attach to the
    console of the Command Prompt or PowerShell that started it, so `"CRM Bid Desktop.exe" check
    FILE` prints there; started from the Start menu there is none, and output is discarded (the log
    file has everything that matters).
    """
    if sys.stdout is not None and sys.stderr is not None:
        _replace_unprintable(sys.stdout, sys.stderr)
        return
    sink = None
    if sys.platform == "win32":
        import ctypes

        attach_parent_process = -1
        # Fails when there is no console to attach to, and also when the program already has
        # one (Wine attaches a GUI program to its parent's console; so does a start with
        # CREATE_NEW_CONSOLE): either way, CONOUT$ opens only if there is a console now.
        ctypes.windll.kernel32.AttachConsole(attach_parent_process)
        try:
            sink = open("CONOUT$", "w", encoding="utf-8")  # noqa: SIM115  # lives as long as we do
        except OSError:
            sink = None
    if sink is None:
        sink = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115  # lives as long as we do
    if sys.stdout is None:
        sys.stdout = sink
    if sys.stderr is None:
        sys.stderr = sink
    _replace_unprintable(sys.stdout, sys.stderr)


def _replace_unprintable(*streams: object) -> None:
    """Print what the stream's encoding cannot show as "?" rather than fail with a traceback.

    Output piped on Windows is in the ANSI code page (cp1252 in England), which has no letter
    for some Welsh or Polish names, nor for the replacement character a damaged file's text is
    read back with; a problem report must still print.
    """
    for stream in streams:
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")


def main(argv: list[str] | None = None) -> int:
    crash_trace = _trace_native_crashes()  # first: a native crash from here on leaves a trace
    ensure_output_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    from crmbid_desktop.cli import COMMANDS

    command = bool(argv) and argv[0] in COMMANDS
    if not command:
        # Starting the GUI makes hundreds of thousands of objects (modules, classes, Qt's enums)
        # and none of them is garbage, yet the cyclic collector would walk them all several
        # times before the window shows. It is switched back on, with those objects set aside,
        # once the main window has painted (ui/application.py: resume_garbage_collection).
        gc.disable()
    try:
        return _run(argv, command=command, crash_trace=crash_trace)
    finally:
        gc.enable()  # whatever happened: nothing after start-up runs without the collector


def _trace_native_crashes() -> CrashTrace | None:
    from crmbid_desktop.logs import trace_native_crashes
    from crmbid_desktop.paths import AppPaths

    return trace_native_crashes(AppPaths.for_user().crash_trace_file, __version__)


def _run(argv: list[str], *, command: bool, crash_trace: CrashTrace | None) -> int:
    from crmbid_desktop.logs import setup_logging
    from crmbid_desktop.paths import AppPaths

    paths = AppPaths.for_user().ensure()
    setup_logging(paths.log_file)
    if crash_trace is not None and crash_trace.previous_crash:
        # The crash itself could not log: this start says so, so the log points at the trace.
        logging.getLogger(__name__).error(
            "The last run (%s) ended in a native crash; its stack trace is in %s",
            crash_trace.previous_crash,
            crash_trace.file,
        )
    if crash_trace is None:
        logging.getLogger(__name__).warning(
            "Native crashes are not traced to %s (it cannot be written, or faulthandler was "
            "already on)",
            paths.crash_trace_file,
        )
    if command:
        from crmbid_desktop.cli import run

        return run(argv, heat_map_renderer=_render_heat_map)
    args = build_gui_parser().parse_args(argv)
    _import_core_before_qt()
    from crmbid_desktop.ui.application import run_gui

    return run_gui(
        paths,
        args.file,
        smoke_test=args.smoke_test,
        crash_dialog=not args.no_crash_dialog,
        crash_trace=crash_trace.file if crash_trace is not None else None,
    )


#: Qt-free modules the GUI needs before its first paint. Once PySide6 is imported it inspects
#: the source of every module imported after it (its "feature" import hook), which costs time
#: per module; importing these first keeps start-up short without changing what is loaded.
CORE_MODULES = (
    "sqlalchemy.dialects.sqlite",
    "crmbid_desktop.settings",
    "crmbid_desktop.services.bid.bid_files",
    "crmbid_desktop.services.views.dashboard",
    "crmbid_desktop.store.backups",
    "crmbid_desktop.store.locks",
)


def _import_core_before_qt() -> None:
    import importlib

    for module in CORE_MODULES:
        importlib.import_module(module)


def _render_heat_map(counts: dict[tuple[int, int], int]) -> bytes:
    """Paint the risk heat map for a command-line export (Qt loaded only when it is needed)."""
    import os

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # a server or CI has no screen
    from crmbid_desktop.ui.sustainability.heat_map import render_heat_map_png

    return render_heat_map_png(counts)


if __name__ == "__main__":
    sys.exit(main())
