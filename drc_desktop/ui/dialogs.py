"""File dialogs that leave no trace of where the user looked (DESIGN.md §4), and questions.

Qt's own (non-native) dialogs, so the operating system records no "recent files" and makes no
thumbnails; and Qt's dialog, which saves its folder history and last folder in the
``QtProject`` settings when it closes, has those entries removed again right away. Because
nothing is remembered, every dialog is set up the same way (issue 12: the first opened in the
install folder, later ones had an empty sidebar): it starts in the user's Pictures folder (or
home) with home, Pictures, Desktop and the drives in its sidebar.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QDir, QSettings, QStandardPaths, QUrl
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

OPTIONS = QFileDialog.Option.DontUseNativeDialog
HISTORY_KEYS = ("FileDialog/history", "FileDialog/lastVisited", "FileDialog/shortcuts")
_LOCATION = QStandardPaths.StandardLocation


def forget_history() -> None:
    """Remove the folders Qt's file dialog remembered (it writes them on close)."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    for key in HISTORY_KEYS:
        settings.remove(key)
    settings.sync()


def _existing(location: QStandardPaths.StandardLocation) -> Path | None:
    path = QStandardPaths.writableLocation(location)
    return Path(path) if path and Path(path).is_dir() else None


def start_folder() -> Path:
    """The user's Pictures folder when there is one, else home."""
    return _existing(_LOCATION.PicturesLocation) or Path(QDir.homePath())


def sidebar_folders() -> list[Path]:
    """Home, Pictures, Desktop (those that exist) and every drive, each once."""
    places = [Path(QDir.homePath())]
    places += [p for p in map(_existing, (_LOCATION.PicturesLocation, _LOCATION.DesktopLocation))
               if p is not None]  # fmt: skip
    places += [Path(drive.absolutePath()) for drive in QDir.drives()]
    return list(dict.fromkeys(places))


def file_dialog(parent: QWidget, title: str, mode: QFileDialog.FileMode,
                name_filter: str = "") -> QFileDialog:  # fmt: skip
    dialog = QFileDialog(parent, title, str(start_folder()), name_filter)
    options = OPTIONS
    if mode == QFileDialog.FileMode.Directory:
        options |= QFileDialog.Option.ShowDirsOnly
    dialog.setOptions(options)
    dialog.setFileMode(mode)
    dialog.setSidebarUrls([QUrl.fromLocalFile(str(path)) for path in sidebar_folders()])
    return dialog


def _chosen(dialog: QFileDialog) -> list[str]:
    try:
        return dialog.selectedFiles() if dialog.exec() == QFileDialog.DialogCode.Accepted else []
    finally:
        dialog.deleteLater()
        forget_history()


def open_files(parent: QWidget, title: str, name_filter: str = "") -> list[str]:
    return _chosen(file_dialog(parent, title, QFileDialog.FileMode.ExistingFiles, name_filter))


def open_file(parent: QWidget, title: str, name_filter: str = "") -> str:
    chosen = _chosen(file_dialog(parent, title, QFileDialog.FileMode.ExistingFile, name_filter))
    return chosen[0] if chosen else ""


def existing_folder(parent: QWidget, title: str) -> str:
    chosen = _chosen(file_dialog(parent, title, QFileDialog.FileMode.Directory))
    return chosen[0] if chosen else ""


def confirm(parent: QWidget, title: str, question: str) -> bool:
    """Ask a yes/no question (Qt's buttons, translated with Qt's own translations)."""
    answer = QMessageBox.question(parent, title, question)
    return answer == QMessageBox.StandardButton.Yes
