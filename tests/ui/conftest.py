"""GUI tests never read or write the user's real Qt settings: QSettings point to a temp dir."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(scope="session", autouse=True)
def _private_qt_settings(tmp_path_factory):
    folder = tmp_path_factory.mktemp("qt-settings")
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    return folder
