"""The user's settings survive a restart, and a damaged settings file falls back to defaults."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from crmbid_desktop import settings
from crmbid_desktop.settings import Settings


def test_settings_round_trip(tmp_path: Path) -> None:
    saved = Settings("Jane Smith", "Leeds City Council", "C:/t/council.dotx", "D:/Backups")
    settings.save(tmp_path, saved)
    assert settings.load(tmp_path) == saved
    assert saved.author == "Jane Smith (Leeds City Council)"
    assert saved.template_path == Path("C:/t/council.dotx")
    assert saved.backups_path == Path("D:/Backups")
    assert not list(tmp_path.glob("*.tmp"))


def test_no_file_gives_defaults(tmp_path: Path) -> None:
    loaded = settings.load(tmp_path / "missing")
    assert loaded == Settings()
    assert loaded.author == "" and loaded.template_path is None and loaded.backups_path is None


def test_name_without_council_is_just_the_name() -> None:
    assert Settings(user_name=" Jane ").author == "Jane"


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", "\x00\x01"])
def test_bad_file_gives_defaults_and_a_warning(
    tmp_path: Path, content: str, caplog: pytest.LogCaptureFixture
) -> None:
    settings.settings_file(tmp_path).write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert settings.load(tmp_path) == Settings()
    assert "cannot be read" in caplog.text


def test_unknown_and_mistyped_values_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings.settings_file(tmp_path).write_text(
        '{"user_name": "Jane", "council": 7, "theme": "dark"}', encoding="utf-8"
    )
    with caplog.at_level(logging.WARNING):
        assert settings.load(tmp_path) == Settings(user_name="Jane")
    assert "council" in caplog.text


def test_user_settings_are_read_once_and_saved_through_the_one_object(tmp_path: Path) -> None:
    settings.save(tmp_path, Settings("Jane Smith", "London Borough of Newham"))
    user = settings.UserSettings(tmp_path)
    (tmp_path / settings.SETTINGS_FILENAME).write_text("{}", encoding="utf-8")
    assert user.current.user_name == "Jane Smith"  # not read again behind the program's back
    user.save(Settings("Jo Bloggs", "Leeds City Council"))
    assert user.current.signature == "Jo Bloggs (Leeds City Council)"
    assert settings.load(tmp_path) == user.current


def test_a_failed_save_keeps_the_settings_in_use(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = settings.UserSettings(tmp_path)
    before = user.current

    def full_disk(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        user.save(Settings("Jo Bloggs"))
    assert user.current == before
