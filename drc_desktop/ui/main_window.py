"""The main window: the unlock screen until the vault is open, then the work view."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, QTimer
from PySide6.QtGui import QAction, QKeySequence, QPixmapCache
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QStackedWidget

from drc_desktop.model.session import SessionModel, VaultState
from drc_desktop.model.settings import SettingsModel
from drc_desktop.ui import i18n
from drc_desktop.ui.settings_view import SettingsView
from drc_desktop.ui.unlock_view import UnlockView
from drc_desktop.ui.work_view import ViewModels, WorkView

USER_INPUT = {QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.Wheel,
              QEvent.Type.MouseMove}  # fmt: skip
WINDOW_SIZE = QSize(1280, 720)
"""The first size; the window keeps whatever size it is given (it fits 1366 x 768)."""
MESSAGE_SECONDS = 20
"""A status message goes after this long, and at once when the vault opens or locks."""


class MainWindow(QMainWindow):
    """Auto-lock: after the ``auto_lock_minutes`` setting without input the vault is closed,
    every image the window holds is dropped (and Qt's pixmap cache cleared) and the unlock
    screen shows. The language setting rebuilds the views with the new translation; they show
    the view-models' state, the same tab stays open."""

    def __init__(self, session: SessionModel, settings: SettingsModel | None = None):
        super().__init__()
        self.session = session
        self.settings = settings or SettingsModel(session.home)
        self.idle = QTimer(self, singleShot=True)
        self.idle.timeout.connect(self.auto_lock)
        self.message_expiry = QTimer(self, singleShot=True, interval=MESSAGE_SECONDS * 1000)
        self._lock_message = ""  # shown once the unlock screen is back
        self.set_auto_lock(float(self.settings.get("auto_lock_minutes")))
        session.use_device(str(self.settings.get("device")))
        self.language = i18n.install(str(self.settings.get("language")))
        self.resize(WINDOW_SIZE)
        self.message = QLabel()
        self.statusBar().addWidget(self.message, 1)
        self.message_expiry.timeout.connect(self.message.clear)
        self.models = ViewModels.create(session)
        self.build_views()
        session.state_changed.connect(self._show_state)
        session.message.connect(self.show_message)
        self.settings.changed.connect(self._setting_changed)

    def build_views(self) -> None:
        """(Re)create the views from the models, e.g. after the language changed."""
        tab = self.work_view.tabs.currentIndex() if hasattr(self, "work_view") else 0
        self.setWindowTitle(self.tr("DRC Desktop"))
        self._build_menu()
        self.unlock_view = UnlockView(self.session)
        self.work_view = WorkView(self.session, self.models)
        self.settings_view = SettingsView(self.session, self.settings, self.models.registration)
        self.work_view.tabs.addTab(self.settings_view, self.tr("Settings"))
        self.work_view.tabs.setCurrentIndex(tab)
        self.work_view.tabs.currentChanged.connect(self._tab_changed)
        old = self.centralWidget()
        self.pages = QStackedWidget()
        self.pages.addWidget(self.unlock_view)
        self.pages.addWidget(self.work_view)
        size = self.size()
        self.setCentralWidget(self.pages)
        self.resize(size)  # the new widgets' size hints never grow the window
        if old is not None:
            old.deleteLater()
        self.message.clear()  # it was in the old language
        self._show_state(self.session.state.value)
        if self.session.state == VaultState.unlocked:
            self.work_view.profiles.show_profiles(self.session.profiles)

    def _build_menu(self) -> None:
        self.menuBar().clear()
        menu = self.menuBar().addMenu(self.tr("&File"))
        self.lock_action = QAction(self.tr("&Lock now"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.triggered.connect(self.lock_now)
        self.lock_action.setEnabled(self.session.state == VaultState.unlocked)
        self.quit_action = QAction(self.tr("&Quit"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        menu.addAction(self.lock_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message_expiry.start()

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
        if self.pages.currentWidget() is not page:
            # a message about the other page is stale now (issue 12: "The two passphrases
            # differ." stayed after the vault was created)
            self.message.clear()
            if self._lock_message and state == VaultState.locked:
                self.show_message(self._lock_message)
            self._lock_message = ""
        self.pages.setCurrentWidget(page)
        self.lock_action.setEnabled(state == VaultState.unlocked)
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
        """Close the vault and forget every image shown; every job is dropped (its view
        returns to idle when the engine says it ended)."""
        if self.session.state != VaultState.unlocked:
            return
        self.session.cancel()
        self.work_view.clear()
        QPixmapCache.clear()
        self.session.lock()

    def auto_lock(self) -> None:
        self._lock_message = self.tr("Locked after a period without use.")
        self.lock_now()

    def closeEvent(self, event) -> None:
        self.session.shutdown()
        super().closeEvent(event)
