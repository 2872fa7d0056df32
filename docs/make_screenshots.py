"""Render a screenshot of each screen of the desktop app into docs/screenshots/.

    QT_QPA_PLATFORM=offscreen PYTHONPATH=. .venv/bin/python docs/make_screenshots.py

Uses a throwaway vault in a temporary folder (never the user's), demo stickers as the
history, and the built-in model. Japanese text needs a CJK font (Debian: fonts-noto-cjk).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from drc_desktop.core import stickers
from drc_desktop.model.session import SessionModel
from drc_desktop.model.settings import SettingsModel
from drc_desktop.ui.main_window import MainWindow

OUT = Path(__file__).resolve().parent / "screenshots"


def wait(app: QApplication, condition, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.01)
    for _ in range(20):
        app.processEvents()


def shoot(app: QApplication, window: MainWindow, name: str) -> None:
    for _ in range(10):
        app.processEvents()
    window.grab().save(str(OUT / f"{name}.png"))
    print(f"screenshot: {OUT / name}.png")


def main() -> int:
    OUT.mkdir(exist_ok=True)
    app = QApplication(sys.argv[:1])
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        images = root / "my-stickers"
        images.mkdir()
        rng = random.Random(2025)
        style = stickers.sample_style(rng)
        for index, semantics in enumerate(rng.sample(stickers.ALL_SEMANTICS, 6)):
            stickers.render(style, semantics, seed=index).save(images / f"{index}.png")
        reference = root / "reference.png"
        stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[4]).save(reference)

        home = root / "home"
        session = SessionModel(home=home)
        window = MainWindow(session, SettingsModel(home))
        window.resize(1100, 720)
        window.show()
        busy = session.engine

        view = window.unlock_view
        view.passphrase.setText("correct horse battery staple")
        view.repeat.setText("correct horse battery staple")
        shoot(app, window, "1-first-run")
        view.button.click()
        wait(app, lambda: window.pages.currentWidget() is window.work_view)
        work = window.work_view
        work.profiles.name.setText("Mika's stickers")
        work.profiles.create.click()
        wait(app, lambda: work.profiles.selected() is not None)
        work.tabs.setCurrentWidget(work.importer)
        work.importer.start([images])
        wait(app, lambda: work.importer.status.text().startswith("Done") and not busy.busy)
        shoot(app, window, "2-import")
        work.tabs.setCurrentWidget(work.composer)
        work.composer.set_reference(reference)
        work.composer.generate.click()
        wait(app, lambda: len(work.composer.checks) == 4 and not busy.busy)
        shoot(app, window, "3-compose")
        work.tabs.setCurrentWidget(work.profile_tab)
        work.profile_tab.refresh()
        work.profile_tab.preview_button.click()
        wait(app, lambda: work.profile_tab.preview.count() == 4 and not busy.busy)
        shoot(app, window, "4-profile")
        work.tabs.setCurrentWidget(work.gallery)
        work.gallery.refresh()
        wait(app, lambda: len(work.gallery.checks) == 4 and not busy.busy)
        shoot(app, window, "5-gallery")
        work.tabs.setCurrentWidget(window.settings_view)
        wait(app, lambda: not busy.busy)
        shoot(app, window, "6-settings")
        window.settings.set("language", "ja")
        window.work_view.tabs.setCurrentWidget(window.work_view.composer)
        shoot(app, window, "7-compose-ja")
        window.settings.set("language", "en")
        session.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
