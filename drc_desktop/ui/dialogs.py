"""File dialogs that leave no trace of where the user looked (DESIGN.md §4).

Qt's own (non-native) dialogs, so the operating system records no "recent files" and makes no
thumbnails; and Qt's dialog, which saves its folder history and last folder in the
``QtProject`` settings when it closes, has those entries removed again right away.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QWidget

OPTIONS = QFileDialog.Option.DontUseNativeDialog
HISTORY_KEYS = ("FileDialog/history", "FileDialog/lastVisited", "FileDialog/shortcuts")


def forget_history() -> None:
    """Remove the folders Qt's file dialog remembered (it writes them on close)."""
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    for key in HISTORY_KEYS:
        settings.remove(key)
    settings.sync()


def open_files(parent: QWidget, title: str, name_filter: str = "") -> list[str]:
    try:
        names, _ = QFileDialog.getOpenFileNames(parent, title, "", name_filter, options=OPTIONS)
    finally:
        forget_history()
    return names


def open_file(parent: QWidget, title: str, name_filter: str = "") -> str:
    try:
        name, _ = QFileDialog.getOpenFileName(parent, title, "", name_filter, options=OPTIONS)
    finally:
        forget_history()
    return name


def existing_folder(parent: QWidget, title: str) -> str:
    try:
        return QFileDialog.getExistingDirectory(parent, title, "", options=OPTIONS)
    finally:
        forget_history()
