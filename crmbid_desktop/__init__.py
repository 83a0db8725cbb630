"""CRM Bid Desktop: plan, write and export a joint council bid for the ODPM CRM National Project."""

import os

#: This source tree's version (pyproject.toml and the Windows build read it from here).
SOURCE_VERSION = "0.1.0"
#: A build writes its version in this file beside the package (build.spec, from CRMBID_VERSION or
#: SOURCE_VERSION); a release step may stamp a newer one there without rebuilding the program.
BUILD_VERSION_FILE = "BUILD_VERSION"
APP_NAME = "CRM Bid Desktop"


def _version() -> str:
    """The version stamped in the build, or the source tree's when run from source."""
    try:
        with open(
            os.path.join(os.path.dirname(__file__), BUILD_VERSION_FILE), encoding="ascii"
        ) as f:
            stamped = f.read().strip()
    except (OSError, UnicodeDecodeError):
        return SOURCE_VERSION
    return stamped or SOURCE_VERSION


__version__ = _version()
