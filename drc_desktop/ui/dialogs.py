"""Qt's own file dialogs, so the OS keeps no "recent files" or thumbnails (DESIGN.md §4)."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog


def file_dialog_options() -> QFileDialog.Option:
    """Qt's own dialog: no OS "recent files" or thumbnail traces (DESIGN.md §4)."""
    return QFileDialog.Option.DontUseNativeDialog
