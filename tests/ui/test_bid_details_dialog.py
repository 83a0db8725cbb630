"""File > Bid details…: edit the contact the letters print, refuse bad input, undo it."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog

from crmbid_desktop.services.bid import bid_details
from crmbid_desktop.ui.bid_details_dialog import BidDetailsDialog
from crmbid_desktop.ui.main_window import MainWindow
from tests.helpers.qt import assert_controls_named


def test_dialog_saves_the_contact_and_undo_takes_it_back(
    main_window: MainWindow, qtbot: object
) -> None:
    dialog = main_window.bid_details_dialog()
    assert isinstance(dialog, BidDetailsDialog)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert_controls_named(dialog)
    dialog.contact_name.setText("Jane Smith")
    dialog.title_edit.setText("Taking over the CRM National Project")
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    main_window.show_bid_changed()
    assert "Taking over the CRM National Project" in main_window.windowTitle()
    assert bid_details.read(main_window.workspace).contact_name == "Jane Smith"

    main_window.undo_group.activeStack().undo()
    assert bid_details.read(main_window.workspace).contact_name == ""


def test_bad_email_keeps_the_dialog_open_with_the_reason(
    main_window: MainWindow, qtbot: object
) -> None:
    dialog = main_window.bid_details_dialog()
    assert isinstance(dialog, BidDetailsDialog)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    dialog.contact_email.setText("jane at leeds")
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "Contact email" in dialog.message.text()
    assert bid_details.read(main_window.workspace).contact_email == ""


def test_dialog_sets_the_letter_recipient_date_and_export_settings(
    main_window: MainWindow, qtbot: object
) -> None:
    from datetime import date

    from PySide6.QtCore import QDate

    dialog = main_window.bid_details_dialog()
    assert isinstance(dialog, BidDetailsDialog)
    qtbot.addWidget(dialog)  # type: ignore[attr-defined]
    assert dialog.recipient_name.text() == "Mr Julian Bowrey"  # the sample bid's default
    assert not dialog.letter_date.isEnabled()
    dialog.recipient_title.setText("Divisional Manager, Local e-Government")
    dialog.recipient_address.setPlainText("  ODPM \n\n Eland House\n")
    dialog.letter_date_set.setChecked(True)
    assert dialog.letter_date.isEnabled()
    dialog.letter_date.setDate(QDate(2005, 8, 4))
    dialog.whole_pounds.setChecked(False)
    dialog.template_header.setChecked(False)
    dialog.accept()
    saved = bid_details.read(main_window.workspace)
    assert saved.letter_recipient_title == "Divisional Manager, Local e-Government"
    assert saved.letter_recipient_address == "ODPM\nEland House"  # blank lines and spaces gone
    assert saved.letter_date == date(2005, 8, 4)
    assert not saved.money_whole_pounds and not saved.use_template_header_footer
