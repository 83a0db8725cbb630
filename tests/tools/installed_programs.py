"""Prints what Windows lists under Apps > Installed apps for CRM Bid Desktop (run on Windows).

    python tests/tools/installed_programs.py

One line per installed product: "<DisplayName> <DisplayVersion> <product code>". .ci/windows
runs it under Wine after installing, upgrading and removing the MSI.
"""

from __future__ import annotations

import sys
import winreg

UNINSTALL = r"Software\Microsoft\Windows\CurrentVersion\Uninstall"


def installed(name: str = "CRM Bid Desktop") -> list[tuple[str, str, str]]:
    found = []
    for view in (winreg.KEY_WOW64_64KEY, winreg.KEY_WOW64_32KEY):
        try:
            root = winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE, UNINSTALL, 0, winreg.KEY_READ | view)
        except OSError:
            continue
        with root:
            for index in range(winreg.QueryInfoKey(root)[0]):
                code = winreg.EnumKey(root, index)
                with winreg.OpenKey(root, code) as key:
                    try:
                        display = str(winreg.QueryValueEx(key, "DisplayName")[0])
                        version = str(winreg.QueryValueEx(key, "DisplayVersion")[0])
                    except OSError:
                        continue
                if display == name and (display, version, code) not in found:
                    found.append((display, version, code))
    return found


if __name__ == "__main__":
    for display, version, code in installed():
        print(display, version, code)
    sys.exit(0)
