"""The main window: the unlock screen until the vault is open, then the work view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QPixmapCache
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

from drc_desktop.model.session import SessionModel, VaultState
from drc_desktop.model.settings import SettingsModel
from drc_desktop.ui import i18n
from drc_desktop.ui.settings_view import SettingsView
from drc_desktop.ui.unlock_view import UnlockView
from drc_desktop.ui.work_view import ViewModels, WorkView

USER_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.Wheel,
              QEvent.Type.MouseMove}  # fmt: skip


class MainWindow(QMainWindow):
    """Auto-lock: after the ``auto_lock_minutes`` setting without input the vault is closed,
    every image the window holds is dropped (and Qt's pixmap cache cleared) and the unlock
    screen shows. The language setting rebuilds the views with the new translation."""

    def __init__(self, session: SessionModel, settings: SettingsModel | None = None):
        super().__init__()
        self.session = session
        self.settings = settings or SettingsModel(session.home)
        self.idle = QTimer(self, singleShot=True)
        self.idle.timeout.connect(self.lock_now)
        self.set_auto_lock(float(self.settings.get("auto_lock_minutes")))
        session.use_device(str(self.settings.get("device")))
        self.language = i18n.install(str(self.settings.get("language")))
        self.resize(1100, 720)
        self.message = QLabel()
        self.statusBar().addWidget(self.message)
        self.models = ViewModels.create(session)
        self.build_views()
        session.state_changed.connect(self._show_state)
        session.message.connect(self.message.setText)
        self.settings.changed.connect(self._setting_changed)

    def build_views(self) -> None:
        """(Re)create the views from the models, e.g. after the language changed."""
        self.setWindowTitle(self.tr("DRC Desktop"))
        self.unlock_view = UnlockView(self.session)
        self.work_view = WorkView(self.session, self.models)
        self.settings_view = SettingsView(self.session, self.settings)
        self.work_view.tabs.addTab(self.settings_view, self.tr("Settings"))
        self.work_view.tabs.currentChanged.connect(self._tab_changed)
        old = self.centralWidget()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_view)
        self.pages.addWidget(self.work_view)
        self.setCentralWidget(self.pages)
        if old is not None:
            old.deleteLater()
        self._show_state(self.session.state.value)
        if self.session.state == VaultState.unlocked:
            self.work_view.profiles.show_profiles(self.session.profiles)

    def _tab_changed(self, index: int) -> None:
        if self.work_view.tabs.widget(index) is self.settings_view:
            self.settings_view.refresh()

    def _setting_changed(self, name: str, value: object) -> None:
        if name == "auto_lock_minutes":
            self.set_auto_lock(float(value))
        elif name == "language":
            self.language = i18n.install(str(value))
            self.build_views()

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
