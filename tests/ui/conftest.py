"""GUI tests: a private QSettings path, a window on a temporary vault, no engine left running,
cycles collected on the GUI thread as in the app."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings

from drc_desktop.engine.collector import MainThreadCollector
from drc_desktop.engine.worker import running_engines
from drc_desktop.model.session import SessionModel
from drc_desktop.model.settings import SettingsModel
from drc_desktop.ui.main_window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def _private_qt_settings(tmp_path_factory):
    """GUI tests never read or write the user's real Qt settings."""
    folder = tmp_path_factory.mktemp("qt-settings")
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture(scope="session", autouse=True)
def _cycles_collected_on_the_gui_thread(qapp):
    """As in the app (``application.run``): the GUI tests' windows and view-models are never
    garbage-collected on an engine's worker thread (that crashed Qt in CI)."""
    collector = MainThreadCollector()
    yield collector
    collector.stop()


@pytest.fixture(autouse=True)
def _no_engine_left_running():
    """A test that leaves an engine thread running fails (its engines are then shut down so
    the next test starts clean)."""
    yield
    left = running_engines()
    for engine in left:
        engine.shutdown()
    assert not left, f"{len(left)} engine thread(s) left running"


@pytest.fixture
def window(qtbot, tmp_path):
    home = tmp_path / "home"
    session = SessionModel(home=home)
    main = MainWindow(session, SettingsModel(home))
    qtbot.addWidget(main)
    main.show()
    yield main
    session.shutdown()


@pytest.fixture
def tiny_builtin(monkeypatch, trained_model_dir, tmp_path):
    """The app's built-in model is a copy of the tiny trained one (seconds per generation;
    the copy may be changed by the test); returns the copy's folder."""
    import shutil

    from drc_desktop.ml.builtin.mini_backend import MiniBackend

    folder = shutil.copytree(trained_model_dir, tmp_path / "tiny-drc-mini")
    load = MiniBackend.load.__func__

    def load_the_copy(cls, _folder=None, device="cpu"):
        return load(cls, folder, device)

    monkeypatch.setattr(MiniBackend, "load", classmethod(load_the_copy))
    return folder
