"""Date fields read like every other date in the program, whatever language the PC is set to."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit

from crmbid_desktop.domain.dates import format_date
from crmbid_desktop.ui.bid_details_dialog import BidDetailsDialog
from crmbid_desktop.ui.main_window import MainWindow
from crmbid_desktop.ui.widgets import show_dates_as_the_bid_does


@pytest.fixture
def welsh_pc() -> Iterator[None]:
    """A council PC set to Welsh: Qt's default names would be "Gwe" and "Awst"."""
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.Welsh, QLocale.Country.UnitedKingdom))
    try:
        yield
    finally:
        QLocale.setDefault(before)


def test_a_date_field_shows_the_date_as_format_date_prints_it(
    qtbot: object, welsh_pc: None
) -> None:
    edit = QDateEdit()
    qtbot.addWidget(edit)  # type: ignore[attr-defined]
    show_dates_as_the_bid_does(edit)
    edit.setDate(QDate(2005, 8, 26))
    assert edit.text() == format_date(date(2005, 8, 26)) == "Fri 26 Aug 2005"


def test_the_letter_date_in_bid_details_is_english_on_a_welsh_pc(
    main_window: MainWindow, qtbot: object, welsh_pc: None
) -> None:
    dialog = main_window.bid_details_dialog()
    assert isinstance(dialog, BidDetailsDialog)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.letter_date.setDate(QDate(2005, 8, 5))
    assert dialog.letter_date.text() == "Fri 5 Aug 2005"
