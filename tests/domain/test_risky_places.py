"""Network shares and cloud-synced folders are recognised; ordinary local folders are not."""

from __future__ import annotations

import pytest

from crmbid_desktop.domain.risky_places import RiskyPlace, risky_place


@pytest.mark.parametrize(
    ("path", "platform", "expected"),
    [
        (r"\\leeds-fs01\bids\CRM bid.crmbid", "win32", RiskyPlace("network share", "")),
        ("//leeds-fs01/bids/CRM bid.crmbid", "linux", RiskyPlace("network share", "")),
        (r"C:\Users\jo\OneDrive\Bids\b.crmbid", "win32", RiskyPlace("cloud folder", "OneDrive")),
        (
            r"C:\Users\jo\OneDrive - Leeds City Council\b.crmbid",
            "win32",
            RiskyPlace("cloud folder", "OneDrive"),
        ),
        ("/home/jo/Dropbox/bids/b.crmbid", "linux", RiskyPlace("cloud folder", "Dropbox")),
        (r"G:\My Drive\b.crmbid", "win32", RiskyPlace("cloud folder", "Google Drive")),
        (
            "/Users/jo/Library/Mobile Documents/com~apple~CloudDocs/b.crmbid",
            "darwin",
            RiskyPlace("cloud folder", "iCloud Drive"),
        ),
        (
            "/Users/jo/Library/CloudStorage/GoogleDrive-jo@leeds.gov.uk/b.crmbid",
            "darwin",
            RiskyPlace("cloud folder", "Google Drive"),
        ),
        (r"C:\Users\jo\Box\b.crmbid", "win32", RiskyPlace("cloud folder", "Box")),
        (r"C:\Users\jo\Documents\b.crmbid", "win32", None),
        ("/home/jo/Documents/Dropbox notes.crmbid", "linux", None),  # only folders count
    ],
)
def test_places_are_classified(path: str, platform: str, expected: RiskyPlace | None) -> None:
    assert risky_place(path, platform=platform, environment={}) == expected


def test_mapped_network_drive_is_a_network_share_on_windows() -> None:
    asked: list[str] = []

    def remote(drive: str) -> bool:
        asked.append(drive)
        return drive == "H:"

    place = risky_place(
        r"H:\Bids\b.crmbid", platform="win32", environment={}, drive_is_remote=remote
    )
    assert place == RiskyPlace("network share", "")
    assert place.description == "on a network share"
    assert (
        risky_place(r"C:\b.crmbid", platform="win32", environment={}, drive_is_remote=remote)
        is None
    )
    assert asked == ["H:", "C:"]


def test_onedrive_folder_named_by_the_environment_is_recognised() -> None:
    place = risky_place(
        r"D:\Work Sync\Bids\b.crmbid",
        platform="win32",
        environment={"OneDriveCommercial": r"D:\Work Sync"},
    )
    assert place is not None and place.description == "in a OneDrive folder"
