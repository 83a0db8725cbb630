"""File > Open from server… and Move to a server…: where a bid on a PostgreSQL server is.

The dialog asks for host, port, database and SSL mode, never a password: the user name comes
from the computer's login (or the pgpass or service file IT set up), and the password, if the
server wants one, from libpq's pgpass file, a service file, or Kerberos/SSPI sign-in.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from crmbid_desktop.services.bid.locations import SSL_MODES, ServerLocation, ServerLocationError

_EXPLANATION = (
    "The bid lives in a PostgreSQL database that your council's IT runs. No password is asked "
    "for here or kept by the program: if the server needs one, IT puts it in your pgpass file "
    "(pgpass.conf on Windows) or a service file, or you sign in with Windows (SSPI/Kerberos)."
)


class ServerAddressDialog(QDialog):
    """Asks where a bid on a server is; `address()` is the postgresql:// address it names."""

    def __init__(self, parent: QWidget | None, title: str, intro: str, start: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName("serverAddressDialog")
        layout = QVBoxLayout(self)
        text = QLabel(f"{intro}\n\n{_EXPLANATION}")
        text.setWordWrap(True)
        layout.addWidget(text)
        form = QFormLayout()
        self.host = QLineEdit()
        self.host.setObjectName("serverHostEdit")
        self.host.setPlaceholderText("e.g. bids.leeds.gov.uk")
        self.port = QSpinBox()
        self.port.setObjectName("serverPortSpin")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit()
        self.database.setObjectName("serverDatabaseEdit")
        self.database.setPlaceholderText("e.g. crm_bid_2005")
        self.sslmode = QComboBox()
        self.sslmode.setObjectName("serverSslCombo")
        self.sslmode.addItems(list(SSL_MODES))
        self.sslmode.setCurrentText("prefer")
        form.addRow("&Server (host):", self.host)
        form.addRow("&Port:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("S&ecure connection (sslmode):", self.sslmode)
        layout.addLayout(form)
        self.problem = QLabel("")
        self.problem.setObjectName("serverProblemLabel")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #a4262c;")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        if start:
            self.set_address(start)

    def set_address(self, url: str) -> None:
        try:
            location = ServerLocation.parse(url)
        except ServerLocationError:
            return
        self.host.setText(location.host)
        self.port.setValue(location.port or 5432)
        self.database.setText(location.database)
        if location.sslmode:
            self.sslmode.setCurrentText(location.sslmode)

    def address(self) -> str:
        """The postgresql:// address the fields name (checked by `accept`)."""
        host = self.host.text().strip()
        database = self.database.text().strip()
        return (
            f"postgresql://{host}:{self.port.value()}/{database}"
            f"?sslmode={self.sslmode.currentText()}"
        )

    def accept(self) -> None:
        if not self.host.text().strip():
            self.problem.setText("Type the server's name (host), as IT gave it.")
            self.host.setFocus()
            return
        if not self.database.text().strip():
            self.problem.setText("Type the database's name, as IT gave it.")
            self.database.setFocus()
            return
        try:
            ServerLocation.parse(self.address())
        except ServerLocationError as error:
            self.problem.setText(str(error))
            return
        super().accept()


def ask_server_address(parent: QWidget | None, title: str, intro: str, start: str = "") -> str:
    """The address the user gives, or "" when they cancel."""
    dialog = ServerAddressDialog(parent, title, intro, start)
    return dialog.address() if dialog.exec() == QDialog.DialogCode.Accepted else ""
