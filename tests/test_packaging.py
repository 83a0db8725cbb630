"""Packaging: the wheel's package list, resources in source/wheel/bundle layouts, the build spec."""

from __future__ import annotations

import ast
import os
import runpy
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from crmbid_desktop import __version__
from crmbid_desktop.app import main
from crmbid_desktop.resources import resource_path, resources_root

ROOT = Path(__file__).resolve().parents[1]


def test_pyproject_lists_every_package_in_the_source_tree() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "crmbid_desktop").rglob("__init__.py")
    }
    found.add("crmbid_desktop._resources")
    assert listed == found, "update [tool.setuptools] packages in pyproject.toml"


def test_resources_resolve_from_the_source_checkout() -> None:
    assert resources_root() == ROOT / "resources"
    assert resource_path("templates/odpm-crm-2005.json").is_file()
    assert resource_path("templates/proposal-template.docx").is_file()
    assert resource_path("icons/app.ico").is_file()
    assert resource_path("icons/app.png").is_file()


def test_resources_resolve_inside_a_frozen_bundle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # PyInstaller's one-folder layout: sys._MEIPASS is _internal/, which holds resources/.
    bundled = tmp_path / "_internal" / "resources" / "templates"
    bundled.mkdir(parents=True)
    (bundled / "odpm-crm-2005.json").write_text("{}", encoding="utf-8")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path / "_internal"), raising=False)
    assert resources_root() == tmp_path / "_internal" / "resources"
    assert resource_path("templates/odpm-crm-2005.json") == bundled / "odpm-crm-2005.json"
    with pytest.raises(FileNotFoundError, match=r"icons/app\.ico.*_internal"):
        resource_path("icons/app.ico")


def test_only_resources_py_knows_about_freezing() -> None:
    offenders = [
        str(module.relative_to(ROOT))
        for module in (ROOT / "crmbid_desktop").rglob("*.py")
        if module.name != "resources.py"
        and any(
            marker in module.read_text(encoding="utf-8")
            for marker in ("_MEIPASS", "sys.frozen", '"frozen"')
        )
    ]
    assert offenders == [], "ask crmbid_desktop.resources instead of checking for a frozen build"


def _windows_version_tools() -> dict[str, Any]:
    return runpy.run_path(str(ROOT / "tests" / "tools" / "windows_version.py"))


def test_windows_version_resource_carries_the_package_version(tmp_path: Path) -> None:
    tools = _windows_version_tools()
    assert tools["package_version"](ROOT) == __version__
    assert tools["version_tuple"]("1.2") == (1, 2, 0, 0)
    assert tools["version_tuple"]("2.0.1rc1") == (2, 0, 1, 0)
    target = tools["write_version_info"](tmp_path / "build" / "version.txt", "1.4.2")

    # PyInstaller eval()s the text with its own classes; record what each was given instead.
    def record(kind: str) -> Any:
        return lambda *args, **kwargs: (kind, args, kwargs)

    names = (
        "VSVersionInfo FixedFileInfo StringFileInfo StringTable StringStruct VarFileInfo VarStruct"
    )
    info = eval(target.read_text(encoding="utf-8"), {name: record(name) for name in names.split()})
    assert info[0] == "VSVersionInfo"
    fixed = info[2]["ffi"]
    assert fixed[2]["filevers"] == (1, 4, 2, 0) == fixed[2]["prodvers"]
    string_table = info[2]["kids"][0][1][0][0]
    strings = dict(struct[1] for struct in string_table[1][1])
    assert strings["ProductVersion"] == strings["FileVersion"] == "1.4.2"
    assert strings["ProductName"] == "CRM Bid Desktop"
    assert strings["OriginalFilename"] == "CRM Bid Desktop.exe"


def test_build_spec_declares_the_windows_program() -> None:
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    ast.parse(spec)  # PyInstaller executes it as Python
    assert 'APP_NAME = "CRM Bid Desktop"' in spec
    assert "console=False" in spec
    assert '"resources" / "icons" / "app.ico"' in spec
    assert '"crmbid_desktop/store/migrations"' in spec
    assert "screenshots" not in spec.split("# --- Data files")[1].split("# --- Modules")[0].replace(
        "resources/screenshots is for the README only", ""
    )


@pytest.mark.parametrize(
    ("platform", "qt_folder"), [("linux", ("PySide6", "Qt")), ("win32", ("PySide6",))]
)
def test_built_programs_qt_hook_sets_the_plugin_path_without_importing_qt(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, platform: str, qt_folder: tuple[str, ...]
) -> None:
    # build.spec swaps PyInstaller's PySide6 run-time hook for this one (see its docstring).
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.setattr(sys, "platform", platform)
    monkeypatch.delenv("QT_PLUGIN_PATH", raising=False)
    monkeypatch.delenv("QML2_IMPORT_PATH", raising=False)
    monkeypatch.setenv("PATH", os.environ.get("PATH", ""))
    imported_before = set(sys.modules)
    runpy.run_path(str(ROOT / "tests" / "tools" / "rthook_qt_paths.py"))
    assert os.environ["QT_PLUGIN_PATH"] == str(tmp_path.joinpath(*qt_folder, "plugins"))
    assert not {name for name in set(sys.modules) - imported_before if "PySide6" in name}
    spec = (ROOT / "build.spec").read_text(encoding="utf-8")
    assert "rthook_qt_paths.py" in spec and 'QT_RUNTIME_HOOK = "pyi_rth_pyside6"' in spec


def test_commands_work_without_a_console(bid_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The windowed Windows build starts with no stdout/stderr; print() must not crash it.
    monkeypatch.setattr(sys, "stdout", None)
    monkeypatch.setattr(sys, "stderr", None)
    try:
        assert main(["check", str(bid_path)]) == 0
        assert sys.stdout is not None and sys.stderr is not None
        assert main(["check", str(bid_path.with_name("missing.crmbid"))]) == 1
    finally:
        if sys.stdout is not None:
            sys.stdout.close()  # the null sink main() opened; the monkeypatch restores pytest's
