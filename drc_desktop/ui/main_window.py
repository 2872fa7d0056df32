"""The main window: the unlock screen until the vault is open, then the work view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

from drc_desktop.model.session import SessionModel, VaultState
from drc_desktop.ui.unlock_view import UnlockView
from drc_desktop.ui.work_view import WorkView

DEFAULT_AUTO_LOCK_MINUTES = 15
USER_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.Wheel,
              QEvent.Type.MouseMove}  # fmt: skip


class MainWindow(QMainWindow):
    """Auto-lock: after ``auto_lock_minutes`` without input the vault is closed, every image
    the window holds is dropped (and Qt's pixmap cache cleared) and the unlock screen shows."""

    def __init__(self, session: SessionModel, auto_lock_minutes: float = DEFAULT_AUTO_LOCK_MINUTES):
        super().__init__()
        self.session = session
        self.idle = QTimer(self, singleShot=True)
        self.idle.timeout.connect(self.lock_now)
        self.set_auto_lock(auto_lock_minutes)
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
        if state == VaultState.unlocked:
            self.idle.start()
            QApplication.instance().installEventFilter(self)
        else:
            self.idle.stop()

    def set_auto_lock(self, minutes: float) -> None:
        self.idle.setInterval(max(1, int(minutes * 60_000)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in USER_INPUT and self.session.state == VaultState.unlocked:
            self.idle.start()
        return False

    def lock_now(self) -> None:
        """Close the vault and forget every image shown."""
        self.session.cancel()
        self.work_view.clear()
        QPixmapCache.clear()
        self.session.lock()
        self.message.setText(self.tr("Locked after a period without use."))

    def closeEvent(self, event) -> None:
        self.session.shutdown()
        super().closeEvent(event)
