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


# -- set-up commands, lock file, installer -----------------------------------------------------


def _readme_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in setup.split("```")[1::2]]


def test_readme_has_two_setup_commands_and_ci_runs_the_test_one_exactly() -> None:
    app, tests = _readme_commands()
    assert app.startswith("python3 -m venv .venv && ") and app.endswith(".venv/bin/crmbid-desktop")
    assert tests.endswith(".venv/bin/python -m pytest")
    for command in (app, tests):
        assert "\n" not in command
        assert "--require-hashes -r requirements.lock" in command, "install from the lock"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert tests in ci, ".ci/run must run the README's test command exactly"


def _pyproject_requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [
        *project["dependencies"],
        *(r for extra in project["optional-dependencies"].values() for r in extra),
    ]


def test_every_dependency_has_an_upper_bound() -> None:
    from packaging.requirements import Requirement

    unbounded = [
        text
        for text in _pyproject_requirements()
        if not any(spec.operator in ("<", "<=", "==", "~=") for spec in Requirement(text).specifier)
    ]
    assert unbounded == [], "give each dependency an upper bound in pyproject.toml"


def test_the_lock_pins_every_dependency_within_its_bounds_with_hashes() -> None:
    # The offline half of `.ci/lock --check` (which CI also runs): a dependency added to
    # pyproject.toml without re-running .ci/lock fails here, naming it.
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    tools = runpy.run_path(str(ROOT / "tests" / "tools" / "lock_for_windows.py"))
    entries = tools["requirement_lines"]((ROOT / "requirements.lock").read_text(encoding="utf-8"))
    pinned = {}
    for entry in entries:
        requirement = Requirement(entry.partition(" --hash")[0])
        assert " --hash=sha256:" in entry, f"{requirement.name} has no hash in requirements.lock"
        (specifier,) = requirement.specifier
        pinned[canonicalize_name(requirement.name)] = specifier.version
    problems = []
    for text in _pyproject_requirements():
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        if name not in pinned:
            problems.append(f"{name} is not in requirements.lock")
        elif not requirement.specifier.contains(pinned[name], prereleases=True):
            problems.append(f"{name}=={pinned[name]} is outside {requirement.specifier}")
    assert problems == [], "run .ci/lock and commit requirements.lock: " + "; ".join(problems)


def test_windows_lock_keeps_windows_only_packages_and_drops_others() -> None:
    tools = runpy.run_path(str(ROOT / "tests" / "tools" / "lock_for_windows.py"))
    lock = (
        "# header\n"
        "pefile==2024.8.26 \\\n    --hash=sha256:aa \\\n    --hash=sha256:bb\n    # via x\n"
        "pywin32-ctypes==0.2.3 ; sys_platform == 'win32' \\\n    --hash=sha256:cc\n"
        "macholib==1.16.4 ; sys_platform == 'darwin' \\\n    --hash=sha256:dd\n"
    )
    assert tools["for_windows"](lock) == [
        "pefile==2024.8.26 --hash=sha256:aa --hash=sha256:bb",
        "pywin32-ctypes==0.2.3 --hash=sha256:cc",
    ]


def test_package_comparison_names_what_differs_from_the_lock() -> None:
    tools = runpy.run_path(str(ROOT / "tests" / "tools" / "compare_packages.py"))
    lock = (
        "a==1 \\\n    --hash=sha256:aa\nb==2 ; sys_platform == 'win32' \\\n    --hash=sha256:bb\n"
    )
    assert tools["locked"](lock, "windows") == {"a": "1", "b": "2"}
    assert tools["locked"](lock, "linux") == {"a": "1"}
    found = tools["installed"]("a==1.5\nc==3\npip==24\n-e /src/crmbid-desktop\n")
    assert tools["differences"]({"a": "1"}, found) == [
        "a is 1.5, the lock says 1",
        "c==3 is installed but not in the lock",
    ]


def test_msi_keeps_its_upgrade_code_and_installs_per_machine_with_a_shortcut() -> None:
    # Changing the UpgradeCode would make a new MSI install beside the old one instead of
    # replacing it on every council laptop.
    wxs = (ROOT / "installer" / "crmbid-desktop.wxs").read_text(encoding="utf-8")
    assert 'UpgradeCode="7D3C1B52-8E4A-4F63-9A0B-2C5D1E7F0A21"' in wxs
    assert 'Product Id="*"' in wxs and "<MajorUpgrade " in wxs
    assert 'InstallScope="perMachine"' in wxs and 'Id="ProgramFiles64Folder"' in wxs
    assert 'Target="[INSTALLDIR]CRM Bid Desktop.exe"' in wxs and 'Icon="app.ico"' in wxs
    assert 'Version="$(var.Version)"' in wxs
    # Uninstalling removes the program's folder itself, not only the files in it.
    assert '<RemoveFolder Id="RemoveInstallDir" On="uninstall" />' in wxs
