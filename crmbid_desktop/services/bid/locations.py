"""Where a bid lives, a file path or a postgresql:// address: the store's rules, named for the ui.

The ui may not import the store (an import-linter contract), so the names it needs to read and
check a server address are given here.
"""

from __future__ import annotations

from crmbid_desktop.store.backend import is_server_location as is_server_location
from crmbid_desktop.store.postgres import SSL_MODES as SSL_MODES
from crmbid_desktop.store.postgres import ServerLocation as ServerLocation
from crmbid_desktop.store.postgres import ServerLocationError as ServerLocationError
