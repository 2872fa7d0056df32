"""The desktop app driven through its widgets (pytest-qt, offscreen), on a temporary vault."""

from __future__ import annotations

import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QCheckBox

from drc_desktop.core import stickers
from drc_desktop.model.session import SessionModel, VaultState
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.vault import Vault
from drc_desktop.ui.main_window import MainWindow
from drc_desktop.ui.unlock_view import strength_hint
from tests.ui.flows import (
    PASSPHRASE,
    TIMEOUT,
    answer_question,
    settle,
    sticker_folder,
    unlocked,
    with_history,
    with_profile,
)

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_first_run_creates_the_vault_with_a_warning(window, qtbot, tmp_path):
    view = window.unlock_view
    assert view.title.text() == "Create your vault"
    assert "nobody can recover" in view.warning.text()
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText(PASSPHRASE + "x")
    view.button.click()
    assert "differ" in view.error.text()
    unlocked(window, qtbot)
    assert (tmp_path / "home" / VAULT_FILE).is_file()
    assert window.session.state is VaultState.unlocked


def test_wrong_passphrase_says_so_without_the_vault_path(qtbot, tmp_path):
    Vault.create(tmp_path / "home", PASSPHRASE).close()
    session = SessionModel(home=tmp_path / "home")
    window = MainWindow(session)
    qtbot.addWidget(window)
    assert window.unlock_view.title.text() == "Unlock"
    window.unlock_view.passphrase.setText("not it at all")
    window.unlock_view.button.click()
    qtbot.waitUntil(lambda: "Wrong passphrase" in window.unlock_view.error.text(), timeout=TIMEOUT)
    assert str(tmp_path) not in window.unlock_view.error.text()
    assert VAULT_FILE not in window.unlock_view.error.text()
    assert window.pages.currentWidget() is window.unlock_view
    session.shutdown()


def test_import_reports_each_file_including_the_rejected_one(window, qtbot, tmp_path):
    with_profile(unlocked(window, qtbot), qtbot)
    importer = window.work_view.importer
    importer.start([sticker_folder(tmp_path)])
    qtbot.waitUntil(lambda: importer.status.text().startswith("Done"), timeout=TIMEOUT)
    rows = [importer.results.item(i).text() for i in range(importer.results.count())]
    assert sum(row.startswith("imported:") for row in rows) == 3
    assert any(row.startswith("rejected: broken.png") for row in rows)
    qtbot.waitUntil(lambda: window.work_view.profiles.selected().history_count == 3)


def test_compose_keep_and_export(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    reference = tmp_path / "reference.png"
    stickers.render(stickers.sample_style(random.Random(8)), stickers.ALL_SEMANTICS[9]).save(
        reference
    )
    composer.set_reference(reference)
    composer.count.setValue(2)
    composer.steps.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 2, timeout=TIMEOUT)
    composer.findChildren(QCheckBox)[0].setChecked(True)
    composer.keep.click()
    qtbot.waitUntil(lambda: "Added 1" in composer.notice.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.work_view.profiles.selected().history_count == 4)
    composer.model.export(composer.selected_outputs(), tmp_path / "export")
    qtbot.waitUntil(lambda: "Exported 1" in composer.notice.text(), timeout=TIMEOUT)
    assert [p.name for p in (tmp_path / "export").iterdir()] == ["image-001.png"]
    composer.discard.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: window.work_view.profiles.selected().output_count == 1)


def test_cancelled_generation_keeps_nothing(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    composer.set_reference(sticker_folder(tmp_path / "more") / "0.png")
    composer.steps.setValue(100)
    composer.generate.click()
    qtbot.waitUntil(lambda: composer.cancel.isEnabled(), timeout=TIMEOUT)
    composer.cancel.click()
    qtbot.waitUntil(lambda: "Cancelled" in composer.notice.text(), timeout=TIMEOUT)
    assert composer.checks == []
    assert window.work_view.profiles.selected().output_count == 0


def test_strength_hint_speaks_plainly():
    assert strength_hint("short").startswith("Too short")
    assert strength_hint("correct horse battery staple") == "Strong."


def test_smoke_shows_the_window_before_torch_and_opens_no_vault(tmp_path):
    program = (
        "import sys\n"
        "from drc_desktop import app\n"
        "status = app.main(['--smoke'])\n"
        "print(sorted({'torch', 'diffusers'} & set(sys.modules)))\n"
        "sys.exit(status)\n"
    )
    environment = {**os.environ, "DRC_HOME": str(tmp_path / "home"), "QT_QPA_PLATFORM": "offscreen",
                   "PYTHONPATH": str(REPO_ROOT)}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", program], env=environment, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["ready", "[]"]
    assert not (tmp_path / "home").exists()


def test_auto_lock_closes_the_vault_and_clears_every_image(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    composer.set_reference(tmp_path / "images" / "0.png")
    composer.steps.setValue(2)
    composer.count.setValue(1)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)
    window.set_auto_lock(0.002)  # about 100 ms without input
    window.idle.start()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view, timeout=TIMEOUT)
    assert window.session.state is VaultState.locked
    assert composer.checks == [] and composer.model.outputs == []
    assert composer.model.settings.reference is None
    assert window.work_view.importer.results.count() == 0
    assert "Locked" in window.message.text()


def test_profile_view_map_preview_and_gallery(window, qtbot, tmp_path):
    with_profile(unlocked(window, qtbot), qtbot)
    view = window.work_view
    view.importer.start([sticker_folder(tmp_path)])
    qtbot.waitUntil(lambda: view.profiles.selected().history_count == 3, timeout=TIMEOUT)
    view.profile_tab.refresh()
    qtbot.waitUntil(lambda: view.profile_tab.items.count() == 3, timeout=TIMEOUT)
    assert view.profile_tab.map.style.shape == (3, 2) and view.profile_tab.map.semantics.shape == (
        3,
        2,
    )
    view.profile_tab.preview_button.click()
    qtbot.waitUntil(lambda: view.profile_tab.preview.count() == 4, timeout=TIMEOUT)
    assert view.profiles.selected().output_count == 0  # the preview is not stored
    view.profile_tab.items.setCurrentRow(0)
    answer_question()
    view.profile_tab.remove.click()
    qtbot.waitUntil(lambda: view.profile_tab.items.count() == 2, timeout=TIMEOUT)

    composer = view.composer
    composer.set_reference(tmp_path / "images" / "1.png")
    composer.steps.setValue(2)
    composer.count.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 2, timeout=TIMEOUT)
    view.gallery.refresh()
    qtbot.waitUntil(lambda: len(view.gallery.checks) == 2, timeout=TIMEOUT)
    settle(window, qtbot)  # the profile list refresh reloads the gallery once more
    view.gallery.checks[0][1].setChecked(True)
    view.gallery.model.export(view.gallery.selected(), tmp_path / "export")
    qtbot.waitUntil(lambda: "Exported 1" in view.gallery.notice.text(), timeout=TIMEOUT)
    answer_question()
    view.gallery.delete.click()
    qtbot.waitUntil(lambda: len(view.gallery.checks) == 1, timeout=TIMEOUT)


def test_project_2d_keeps_both_sets_on_shared_axes():
    from drc_desktop.model.library import project_2d

    rng = np.random.default_rng(0)
    style = rng.normal(0, 0.01, (5, 8)) + 3
    semantics = rng.normal(0, 1.0, (5, 8))
    style_points, semantic_points = project_2d(style, semantics)
    assert style_points.shape == semantic_points.shape == (5, 2)
    assert style_points.std(axis=0).sum() < semantic_points.std(axis=0).sum()


def test_language_switch_to_japanese_and_back(window, qtbot):
    assert window.unlock_view.title.text() == "Create your vault"
    window.settings.set("language", "ja")
    assert window.language == "ja"
    assert window.unlock_view.title.text() == "保管庫を作成"
    assert "パスフレーズ" in window.unlock_view.warning.text()
    unlocked(window, qtbot)
    tabs = window.work_view.tabs
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "プロファイル", "取り込み", "生成", "ギャラリー", "設定",
    ]  # fmt: skip
    window.settings.set("language", "en")
    assert window.work_view.tabs.tabText(0) == "Profile"
    assert window.pages.currentWidget() is window.work_view  # still unlocked


def test_settings_are_stored_once_and_bad_values_fall_back(tmp_path, capsys):
    from drc_desktop.model.settings import SettingsModel

    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.json").write_text('{"device": "tpu", "auto_lock_minutes": 5}')
    settings = SettingsModel(home)
    assert settings.get("device") == "auto" and settings.get("auto_lock_minutes") == 5
    assert "tpu" in capsys.readouterr().err
    with pytest.raises(ValueError):
        settings.set("auto_lock_minutes", 0)
    settings.set("language", "ja")
    assert SettingsModel(home).get("language") == "ja"
    assert "/" not in (home / "settings.json").read_text()  # no paths remembered


def test_registered_model_backs_a_new_profile_with_a_prompt(window, qtbot, tiny_sd_models):
    unlocked(window, qtbot)
    for name in ("encoder", "ip-sd15", "sd15"):
        window.settings_view.register(tiny_sd_models[name])
        settle(window, qtbot)
    window.settings_view.refresh()
    qtbot.waitUntil(lambda: window.settings_view.models.count() == 3, timeout=TIMEOUT)
    panel = window.work_view.profiles
    qtbot.waitUntil(lambda: panel.model.findText("sd15") >= 0, timeout=TIMEOUT)
    panel.model.setCurrentText("sd15")
    panel.name.setText("Bob")
    panel.create.click()
    qtbot.waitUntil(lambda: panel.selected() is not None, timeout=TIMEOUT)
    assert panel.selected().model == "sd15"
    composer = window.work_view.composer  # the prompt is for a backend that reads text
    qtbot.waitUntil(composer.prompt.isEnabled, timeout=TIMEOUT)
    panel.name.setText("Robert")
    panel.rename.click()
    qtbot.waitUntil(lambda: panel.selected() and panel.selected().name == "Robert",
                    timeout=TIMEOUT)  # fmt: skip


def test_file_dialogs_leave_no_folder_history(window, qtbot, tmp_path, _private_qt_settings):
    from PySide6.QtCore import QSettings, QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    with_profile(unlocked(window, qtbot), qtbot)
    seen = []

    def close_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog).__name__)
        if isinstance(dialog, QFileDialog):
            dialog.setDirectory(str(tmp_path))
        dialog.reject()

    QTimer.singleShot(200, close_dialog)
    window.work_view.importer.add.click()  # blocks until the dialog closes
    assert seen == ["QFileDialog"]
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    remembered = {key: settings.value(key) for key in settings.allKeys()}
    assert not any(str(tmp_path) in str(value) for value in remembered.values()), remembered
    assert "FileDialog/lastVisited" not in remembered
