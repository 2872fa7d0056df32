"""Render every screen of the desktop app, in English and Japanese, into docs/screenshots/.

    PYTHONPATH=. .venv/bin/python docs/make_screenshots.py [en|ja ...]

The app runs in a real X window at 1366 x 768: on a machine without a display the script
starts its own Xvfb (Debian: ``apt-get install xvfb libxcb-cursor0 fonts-noto-cjk``) and takes
each picture from the screen, so dialogs on top of the window are in it too. It uses a
throwaway vault in a temporary folder (never the user's), demo stickers as the history and
the built-in model. English pictures are ``N-screen.png``, Japanese ones ``ja/N-screen.png``
(and ``7-compose-ja.png`` for the README). Look at every picture before committing it.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SCREEN = (1366, 768)
OUT = Path(__file__).resolve().parent / "screenshots"


def start_display() -> subprocess.Popen | None:
    """An Xvfb screen of ``SCREEN`` when there is no display; None when there is one."""
    if os.environ.get("DISPLAY"):
        return None
    if shutil.which("Xvfb") is None:
        sys.exit("make_screenshots: no display and no Xvfb (apt-get install xvfb)")
    display = ":87"
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.5)
    os.environ["DISPLAY"] = display
    return server


def wait(app, condition, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        app.processEvents()
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        time.sleep(0.01)
    settle(app)


def settle(app, seconds: float = 0.3) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.01)


def shoot(app, path: Path) -> None:
    settle(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    app.primaryScreen().grabWindow(0).save(str(path))
    print(f"screenshot: {path}")


def demo_files(root: Path) -> tuple[Path, Path]:
    from drc_desktop.core import stickers

    images = root / "my-stickers"
    images.mkdir()
    rng = random.Random(2025)
    style = stickers.sample_style(rng)
    for index, semantics in enumerate(rng.sample(stickers.ALL_SEMANTICS, 8)):
        stickers.render(style, semantics, seed=index).save(images / f"{index}.png")
    references = [root / "reference-1.png", root / "reference-2.png"]
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[4]).save(references[0])
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[13]).save(references[1])
    return images, references


def walk_through(app, root: Path, language: str) -> None:
    """One pass through every screen in ``language``, on a fresh vault."""
    from drc_desktop.model.session import SessionModel
    from drc_desktop.model.settings import SettingsModel
    from drc_desktop.ui.main_window import MainWindow

    folder = OUT if language == "en" else OUT / language
    images, references = demo_files(root)
    home = root / "home"
    home.mkdir()
    settings = SettingsModel(home)
    settings.set("language", language)
    session = SessionModel(home=home)
    window = MainWindow(session, settings)
    window.move(0, 0)
    window.resize(*SCREEN)
    window.show()
    try:
        shoot_screens(app, window, folder, images, references, language)
    finally:
        window.close()  # shuts the engine down


def shoot_screens(app, window, folder: Path, images: Path, references: list, language: str):
    session = window.session
    engine = session.engine
    idle = lambda: not engine.busy  # noqa: E731

    view = window.unlock_view
    view.passphrase.setText("correct horse battery staple")
    view.repeat.setText("correct horse battery staple")
    shoot(app, folder / "1-first-run.png")
    view.button.click()
    wait(app, lambda: window.pages.currentWidget() is window.work_view)
    work = window.work_view
    work.profiles.name.setText("Mika's stickers" if language == "en" else "ミカのステッカー")
    work.profiles.create.click()
    wait(app, lambda: work.profiles.selected() is not None and idle())
    work.tabs.setCurrentWidget(work.importer)
    work.importer.start([images])
    wait(app, lambda: work.importer.model.counts is not None and idle())
    shoot(app, folder / "2-import.png")
    work.tabs.setCurrentWidget(work.composer)
    work.composer.set_references(references)  # a set: one row per reference
    work.composer.count.setValue(4)
    work.composer.steps.setValue(8)
    work.composer.generate.click()
    wait(app, lambda: len(work.composer.checks) == 8 and idle())
    work.composer.checks[1][1].setChecked(True)
    shoot(app, folder / "3-compose.png")
    if language == "ja":
        shoot(app, OUT / "7-compose-ja.png")
    work.composer.results.opened.emit(1)
    shoot(app, folder / "8-preview.png")
    work.composer.preview.close()
    work.tabs.setCurrentWidget(work.profile_tab)
    work.profile_tab.refresh()
    work.profile_tab.preview_button.click()
    wait(app, lambda: work.profile_tab.preview.count() == 4 and idle())
    work.profile_tab.items.setCurrentRow(2)
    shoot(app, folder / "4-profile.png")
    work.tabs.setCurrentWidget(work.gallery)
    work.gallery.refresh()
    wait(app, lambda: len(work.gallery.checks) == 8 and idle())
    shoot(app, folder / "5-gallery.png")
    work.tabs.setCurrentWidget(window.settings_view)
    wait(app, idle)
    shoot(app, folder / "6-settings.png")


def main() -> int:
    server = start_display()
    os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        from PySide6.QtWidgets import QApplication

        app = QApplication(sys.argv[:1])
        for language in sys.argv[1:] or ("en", "ja"):
            with tempfile.TemporaryDirectory() as temporary:
                walk_through(app, Path(temporary), language)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
