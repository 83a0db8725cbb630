"""The errors opening, reading or writing a bid can raise, for the pages to catch by name.

They are the store's own classes, named here so that the ui, which may not import the store,
catches exactly what the store raises.
"""

from __future__ import annotations

from crmbid_desktop.store.errors import BidBusyError as BidBusyError
from crmbid_desktop.store.errors import BidFileError as BidFileError
from crmbid_desktop.store.errors import BidFileMissingError as BidFileMissingError
from crmbid_desktop.store.errors import BidLockedError as BidLockedError
from crmbid_desktop.store.errors import CannotEditError as CannotEditError
from crmbid_desktop.store.errors import DamagedBidError as DamagedBidError
from crmbid_desktop.store.errors import ForeignSchemaError as ForeignSchemaError
from crmbid_desktop.store.errors import NewerVersionError as NewerVersionError
from crmbid_desktop.store.errors import NotABidError as NotABidError
from crmbid_desktop.store.errors import ReadOnlyBidError as ReadOnlyBidError
from crmbid_desktop.store.errors import RefusedEditError as RefusedEditError
from crmbid_desktop.store.errors import SuspectLockError as SuspectLockError
