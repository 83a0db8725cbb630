"""Finds bundled resources the same way from a source checkout, an installed wheel or a frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    """The folder holding `resources/` content (templates, icons, default bid)."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root is not None:  # PyInstaller one-folder bundle
        return Path(frozen_root) / "resources"
    package_dir = Path(__file__).resolve().parent
    installed = package_dir / "_resources"  # copied in by the wheel build
    if installed.is_dir():
        return installed
    return package_dir.parent / "resources"  # source checkout


def resource_path(relative: str) -> Path:
    """Path of one resource, e.g. ``resource_path("templates/odpm-crm-2005.json")``."""
    path = resources_root() / relative
    if not path.exists():
        raise FileNotFoundError(f"Resource {relative!r} is missing from {resources_root()}")
    return path
