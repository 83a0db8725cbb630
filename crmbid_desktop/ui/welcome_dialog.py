"""First start: the user's name and council, which sign their comments and the change log."""

from __future__ import annotations

import dataclasses

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.widgets import name_widget, tidy_form


class WelcomeDialog(QDialog):
    """Asks once for a name and council; Skip leaves them empty (File > Settings sets them later)."""

    def __init__(
        self, current: Settings, councils: list[str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("welcomeDialog")
        self.setWindowTitle("Welcome to CRM Bid Desktop")
        self.setAccessibleName("Welcome: your name and council")
        self._current = current
        intro = QLabel(
            "Your name and council sign your review comments, the versions of the text you "
            "write and the bid's change log, so partner councils can see who did what. "
            "You can skip this and set them later in File > Settings."
        )
        intro.setObjectName("welcomeIntro")
        intro.setWordWrap(True)
        self.user_name = QLineEdit(current.user_name)
        name_widget(self.user_name, "welcomeUserName", "Your name")
        self.user_name.setPlaceholderText("e.g. Jo Smith")
        # The partner councils are offered, but any council can be typed.
        self.council = QComboBox()
        self.council.setEditable(True)
        self.council.addItems(councils)
        self.council.setCurrentText(current.council)
        name_widget(self.council, "welcomeCouncil", "Your council")
        typed = self.council.lineEdit()
        assert typed is not None  # an editable combo box has its line edit
        typed.setAccessibleName("Your council")
        typed.setPlaceholderText("e.g. Leeds City Council")
        form = tidy_form(QFormLayout())
        label = QLabel("Your &name:")
        label.setBuddy(self.user_name)
        form.addRow(label, self.user_name)
        label = QLabel("Your &council:")
        label.setBuddy(self.council)
        form.addRow(label, self.council)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton("&Save", QDialogButtonBox.ButtonRole.AcceptRole)
        name_widget(self.save_button, "welcomeSaveButton", "Save my name and council")
        self.skip_button = buttons.addButton("S&kip", QDialogButtonBox.ButtonRole.RejectRole)
        name_widget(self.skip_button, "welcomeSkipButton", "Skip: set them later in Settings")
        self.save_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 70, self.sizeHint().height())

    def settings(self) -> Settings:
        """The settings after this dialog: the name and council typed (or none if skipped)."""
        if self.result() != QDialog.DialogCode.Accepted:
            return dataclasses.replace(self._current, name_asked="yes")
        return dataclasses.replace(
            self._current,
            user_name=self.user_name.text().strip(),
            council=self.council.currentText().strip(),
            name_asked="yes",
        )
