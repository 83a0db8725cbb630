"""The wheel carries every package and the resources, and resources are found from the source tree."""

from __future__ import annotations

import tomllib
from pathlib import Path

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
