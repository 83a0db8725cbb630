"""File > Settings… (Ctrl+,): the user's name and council, default export template, backups folder."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.settings import Settings
from crmbid_desktop.ui.colours import text_style
from crmbid_desktop.ui.widgets import name_widget, tidy_form

TEMPLATE_FILTER = "Word documents and templates (*.docx *.dotx);;All files (*)"


class SettingsDialog(QDialog):
    """Edits a copy of the settings; `settings()` gives the result once accepted."""

    def __init__(self, current: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle("Settings")
        self.setAccessibleName("Settings")
        self._current = current  # what the dialog does not show (name_asked) is kept

        self.user_name = QLineEdit(current.user_name)
        name_widget(self.user_name, "settingsUserName", "Your name")
        self.council = QLineEdit(current.council)
        name_widget(self.council, "settingsCouncil", "Your council")
        self.template = QLineEdit(current.default_template)
        name_widget(self.template, "settingsTemplate", "Default export template")
        self.template.setPlaceholderText("The program's own template")
        template_button = QPushButton("Choose…")
        name_widget(template_button, "settingsChooseTemplate", "Choose the default export template")
        template_button.clicked.connect(self._choose_template)
        self.backups = QLineEdit(current.backups_dir)
        name_widget(self.backups, "settingsBackups", "Backups folder")
        self.backups.setPlaceholderText("The program's own folder")
        backups_button = QPushButton("Choose…")
        name_widget(backups_button, "settingsChooseBackups", "Choose the backups folder")
        backups_button.clicked.connect(self._choose_backups)

        form = tidy_form(QFormLayout())
        form.addRow("Your &name:", self.user_name)
        form.addRow("Your &council:", self.council)
        form.addRow("Default export &template:", _row(self.template, template_button))
        form.addRow("&Backups folder:", _row(self.backups, backups_button))
        note = QLabel(
            "Your name and council sign the change log and your review comments. The export "
            "template is used when none is chosen on the Export page. These settings are yours, "
            "on this computer; they are not saved in the bid."
        )
        note.setObjectName("settingsNote")
        note.setWordWrap(True)
        self.error = QLabel()
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet(text_style("danger", self))
        self.error.hide()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.setObjectName("settingsButtons")
        for button in buttons.buttons():
            button.setObjectName(f"settings{button.text().replace('&', '')}Button")
            button.setAccessibleName(button.text().replace("&", ""))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(self.fontMetrics().averageCharWidth() * 80, self.sizeHint().height())

    def settings(self) -> Settings:
        return dataclasses.replace(
            self._current,
            user_name=self.user_name.text().strip(),
            council=self.council.text().strip(),
            default_template=self.template.text().strip(),
            backups_dir=self.backups.text().strip(),
        )

    def problem(self) -> str:
        """What is wrong with the values typed, or "" (checked before the dialog closes)."""
        values = self.settings()
        template = values.template_path
        if template is not None:
            if not template.is_file():
                return f"The default export template {template} does not exist."
            if template.suffix.lower() not in (".docx", ".dotx"):
                return f"The default export template {template.name} is not a .docx or .dotx file."
        backups = values.backups_path
        if backups is not None and backups.exists() and not backups.is_dir():
            return f"The backups folder {backups} is a file, not a folder."
        return ""

    def accept(self) -> None:
        problem = self.problem()
        if problem:
            self.error.setText(problem)
            self.error.show()
            return
        super().accept()

    def _choose_template(self) -> None:
        start = self.template.text() or str(Path.home())
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Choose the default export template", start, TEMPLATE_FILTER
        )
        if chosen:
            self.template.setText(chosen)

    def _choose_backups(self) -> None:
        start = self.backups.text() or str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Choose the backups folder", start)
        if chosen:
            self.backups.setText(chosen)


def _row(edit: QLineEdit, button: QPushButton) -> QWidget:
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(edit, 1)
    layout.addWidget(button)
    return row
