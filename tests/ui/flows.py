"""Steps the GUI tests share: unlock, create a profile, import stickers, wait for the engine."""

from __future__ import annotations

import random
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from drc_desktop.core import stickers
from drc_desktop.ui.main_window import MainWindow

PASSPHRASE = "gui test passphrase"
TIMEOUT = 120_000  # the test machine may be busy with other work


def unlocked(window, qtbot) -> MainWindow:
    view = window.unlock_view
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText(PASSPHRASE)
    view.button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.work_view, timeout=TIMEOUT)
    return window


def with_profile(window, qtbot, name: str = "Alice") -> MainWindow:
    panel = window.work_view.profiles
    panel.name.setText(name)
    panel.create.click()
    qtbot.waitUntil(
        lambda: panel.selected() is not None and panel.selected().name == name, timeout=TIMEOUT
    )
    return window


def with_history(window, qtbot, tmp_path: Path) -> MainWindow:
    """Unlocked, with profile Alice holding the three stickers of ``sticker_folder``."""
    with_profile(unlocked(window, qtbot), qtbot)
    window.work_view.importer.start([sticker_folder(tmp_path)])
    qtbot.waitUntil(lambda: window.work_view.profiles.selected().history_count == 3,
                    timeout=TIMEOUT)  # fmt: skip
    return window


def settle(window, qtbot) -> None:
    """Wait until the engine has no job left and the GUI has handled their results."""
    qtbot.waitUntil(lambda: not window.session.engine.busy, timeout=TIMEOUT)
    qtbot.wait(50)


def sticker_folder(root: Path) -> Path:
    folder = root / "images"
    folder.mkdir(parents=True)
    rng = random.Random(4)
    style = stickers.sample_style(rng)
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:3]):
        stickers.render(style, semantics, seed=index).save(folder / f"{index}.png")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    return folder


def reference_image(root: Path, semantics: int = 9) -> Path:
    path = root / f"reference-{semantics}.png"
    style = stickers.sample_style(random.Random(8))
    stickers.render(style, stickers.ALL_SEMANTICS[semantics]).save(path)
    return path


def generated(window, qtbot, tmp_path: Path, count: int = 2, steps: int = 2) -> None:
    """Generate ``count`` images for the selected profile and wait for them."""
    composer = window.work_view.composer
    composer.set_reference(reference_image(tmp_path))
    composer.count.setValue(count)
    composer.steps.setValue(steps)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == count, timeout=TIMEOUT)


def answer_question(answer=QMessageBox.StandardButton.Yes, seen: list | None = None) -> None:
    """Click ``answer`` in the next message box once it shows (call before the click that
    opens it); its text is appended to ``seen``."""

    def click(attempts: int = 200) -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            if seen is not None:
                seen.append(box.text())
            box.button(answer).click()
        elif attempts:
            QTimer.singleShot(20, lambda: click(attempts - 1))

    QTimer.singleShot(0, click)
