"""Start the Qt application with the main window (``drc-desktop`` calls :func:`run`)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from drc_desktop.engine.collector import MainThreadCollector
from drc_desktop.model.session import SessionModel
from drc_desktop.ui.main_window import MainWindow


def run(smoke: bool = False) -> int:
    """Show the main window and run the event loop; with ``smoke``, print ``ready`` once the
    window is shown and quit (no vault is opened)."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("DRC Desktop")
    # Reference cycles are collected on this (the GUI) thread only: collected on the engine's
    # worker they would destroy GUI objects off their thread (engine/collector.py).
    collector = MainThreadCollector(parent=app)
    window = MainWindow(SessionModel())
    window.show()
    if smoke:

        def finish() -> None:
            print("ready", flush=True)
            window.close()
            app.quit()

        QTimer.singleShot(0, finish)
    try:
        return app.exec()
    finally:
        collector.stop()
