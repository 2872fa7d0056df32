"""Japanese throughout: Qt's own buttons and dialogs, the settings' choices, the engine's
messages and the import's reasons; no placeholder clipped (issue 12)."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QLineEdit, QMessageBox

from tests.ui.flows import TIMEOUT, settle, sticker_folder, unlocked, with_profile

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def test_qt_own_buttons_are_japanese(window, qtbot):
    window.settings.set("language", "ja")
    yes_no = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No
    box = QMessageBox(QMessageBox.Icon.Question, "?", "?", yes_no)
    qtbot.addWidget(box)
    assert JAPANESE.search(box.button(QMessageBox.StandardButton.Yes).text())
    assert JAPANESE.search(box.button(QMessageBox.StandardButton.No).text())
    window.settings.set("language", "en")
    english = QMessageBox(QMessageBox.Icon.Question, "?", "?", yes_no)
    qtbot.addWidget(english)
    assert english.button(QMessageBox.StandardButton.Yes).text().replace("&", "") == "Yes"


def test_settings_choices_are_japanese_and_name_no_internals(window, qtbot):
    window.settings.set("language", "ja")
    settings = window.settings_view
    assert settings.language.itemText(0) == "システムの言語"
    devices = [settings.device.itemText(i) for i in range(settings.device.count())]
    assert JAPANESE.search(devices[0]) and "auto" not in devices


def test_engine_messages_and_rejection_reasons_are_japanese(window, qtbot, tmp_path):
    window.settings.set("language", "ja")
    with_profile(unlocked(window, qtbot), qtbot)
    importer = window.work_view.importer
    importer.start([sticker_folder(tmp_path)])
    qtbot.waitUntil(lambda: importer.status.text().startswith("完了"), timeout=TIMEOUT)
    rows = [importer.results.item(i).text() for i in range(importer.results.count())]
    rejected = next(row for row in rows if "broken.png" in row)
    assert "壊れています" in rejected and "corrupt" not in rejected
    composer = window.work_view.composer
    composer.set_reference(tmp_path / "images" / "broken.png")
    qtbot.waitUntil(lambda: "broken.png" in composer.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    window.lock_now()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view, timeout=TIMEOUT)
    window.unlock_view.passphrase.setText("not it")
    window.unlock_view.button.click()
    qtbot.waitUntil(lambda: window.unlock_view.error.text() != "", timeout=TIMEOUT)
    assert window.unlock_view.error.text().startswith("パスフレーズが違います")


def test_no_placeholder_is_clipped_in_japanese(window, qtbot):
    window.settings.set("language", "ja")
    unlocked(window, qtbot)
    window.resize(window.minimumSizeHint())  # the narrowest the panels get
    qtbot.wait(50)
    fields = window.work_view.profiles.findChildren(QLineEdit)
    window.work_view.tabs.setCurrentWidget(window.work_view.composer)
    qtbot.wait(50)
    fields += window.work_view.composer.findChildren(QLineEdit)
    for field in fields:
        if field.isVisible() and field.placeholderText():
            needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
            assert needed <= field.contentsRect().width() - 8, field.placeholderText()
