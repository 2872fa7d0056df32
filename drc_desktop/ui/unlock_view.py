"""First run (create the vault) and unlock, with the plain warning about lost passphrases."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from drc_desktop.model.session import SessionModel, VaultState


def strength_hint(passphrase: str) -> str:
    """A rough hint: length and variety, in words a designer understands."""
    tests = (str.islower, str.isupper, str.isdigit, str.isspace)
    kinds = sum(any(test(c) for c in passphrase) for test in tests)
    translate = QCoreApplication.translate
    if len(passphrase) < 8:
        return translate("UnlockView", "Too short: use at least 8 characters.")
    if len(passphrase) >= 16 or (len(passphrase) >= 12 and kinds >= 3):
        return translate("UnlockView", "Strong.")
    return translate("UnlockView", "Fair: a few unrelated words make it stronger.")


class UnlockView(QWidget):
    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.title = QLabel()
        self.title.setObjectName("title")
        self.warning = QLabel(
            self.tr(
                "Your images are kept only as encrypted vectors, protected by this passphrase. "
                "It is stored nowhere: if you lose it, nobody can recover your profiles."
            )
        )
        self.warning.setWordWrap(True)
        self.passphrase = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(self.tr("Passphrase"))
        self.repeat = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.repeat.setPlaceholderText(self.tr("Repeat the passphrase"))
        self.hint = QLabel()
        self.button = QPushButton()
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        form = QWidget()
        form.setFixedWidth(440)
        column = QVBoxLayout(form)
        for widget in (self.title, self.warning, self.passphrase, self.repeat, self.hint,
                       self.button, self.error):  # fmt: skip
            column.addWidget(widget)
        # a wrapped label inside an aligned (size-hinted) widget needs its height stated
        self.warning.setMinimumHeight(self.warning.heightForWidth(400))
        self.error.setMinimumHeight(self.error.fontMetrics().height() * 3)
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        self.title.setFont(title_font)
        layout = QVBoxLayout(self)
        layout.addStretch()
        layout.addWidget(form, alignment=Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch()
        self.passphrase.textChanged.connect(self._update_hint)
        self.passphrase.returnPressed.connect(self._submit)
        self.repeat.returnPressed.connect(self._submit)
        self.button.clicked.connect(self._submit)
        session.message.connect(self.error.setText)
        session.state_changed.connect(self._on_state)
        self.show_state()

    def show_state(self) -> None:
        first_run = self.session.state == VaultState.none
        self.title.setText(self.tr("Create your vault") if first_run else self.tr("Unlock"))
        self.button.setText(self.tr("Create") if first_run else self.tr("Unlock"))
        for widget in (self.warning, self.repeat, self.hint):
            widget.setVisible(first_run)
        self.passphrase.clear()
        self.repeat.clear()
        self.error.clear()

    def _on_state(self, state: str) -> None:
        self.show_state()

    def _update_hint(self, text: str) -> None:
        self.hint.setText(strength_hint(text) if text else "")

    def _submit(self) -> None:
        self.error.clear()
        if self.session.state == VaultState.none:
            self.session.create_vault(self.passphrase.text(), self.repeat.text())
        else:
            self.session.unlock(self.passphrase.text())
