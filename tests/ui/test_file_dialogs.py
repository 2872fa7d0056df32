"""File dialogs start in Pictures (or home) with home, Pictures, Desktop and the drives in the
sidebar on every use, and still leave no folder history (issue 12: the first opened in the
install folder, later ones had no shortcuts)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from tests.ui.flows import unlocked, with_profile


def test_file_dialogs_start_in_pictures_with_shortcuts_and_leave_no_history(
    window, qtbot, tmp_path, monkeypatch, _private_qt_settings
):
    home = tmp_path / "user"
    (home / "Pictures").mkdir(parents=True)
    (home / "Desktop").mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    with_profile(unlocked(window, qtbot), qtbot)
    seen = []

    def look_and_close() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QFileDialog)
        sidebar = [Path(url.toLocalFile()) for url in dialog.sidebarUrls()]
        seen.append((Path(dialog.directory().absolutePath()), sidebar))
        dialog.setDirectory(str(tmp_path))  # somewhere Qt would remember
        dialog.reject()

    for _ in range(2):
        QTimer.singleShot(200, look_and_close)
        window.work_view.importer.add.click()  # blocks until the dialog closes
    assert len(seen) == 2
    for directory, sidebar in seen:
        assert directory == home / "Pictures"
        assert {home, home / "Pictures", home / "Desktop", Path("/")} <= set(sidebar)
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    remembered = {key: settings.value(key) for key in settings.allKeys()}
    assert not any(str(tmp_path) in str(value) for value in remembered.values()), remembered
