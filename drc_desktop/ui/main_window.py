"""The main window: the unlock screen until the vault is open, then the work view."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QMainWindow, QStackedWidget

from drc_desktop.model.session import SessionModel, VaultState
from drc_desktop.ui.unlock_view import UnlockView
from drc_desktop.ui.work_view import WorkView


class MainWindow(QMainWindow):
    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.setWindowTitle("DRC Desktop")
        self.resize(1100, 720)
        self.unlock_view = UnlockView(session)
        self.work_view = WorkView(session)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_view)
        self.pages.addWidget(self.work_view)
        self.setCentralWidget(self.pages)
        self.message = QLabel()
        self.statusBar().addWidget(self.message)
        session.state_changed.connect(self._show_state)
        session.message.connect(self.message.setText)
        self._show_state(session.state.value)

    def _show_state(self, state: str) -> None:
        page = self.work_view if state == VaultState.unlocked else self.unlock_view
        self.pages.setCurrentWidget(page)

    def closeEvent(self, event) -> None:
        self.session.shutdown()
        super().closeEvent(event)
