"""Messages say what happened, in the language shown, and go when they no longer apply
(issue 12: "The two passphrases differ." stayed after the vault was created, the wrong
passphrase error after a correct unlock, a Japanese message after switching back)."""

from __future__ import annotations

import re

from drc_desktop.store.vault import Vault
from drc_desktop.ui.main_window import MainWindow
from tests.ui.flows import PASSPHRASE, TIMEOUT, generated, settle, unlocked, with_history

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def shown_messages(window) -> str:
    return window.message.text() + window.unlock_view.error.text()


def test_no_stale_message_after_the_vault_is_created(window, qtbot):
    view = window.unlock_view
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText(PASSPHRASE + "x")
    view.button.click()
    assert "differ" in shown_messages(window)
    unlocked(window, qtbot)
    settle(window, qtbot)
    assert "differ" not in shown_messages(window)
    assert window.message.text() == ""


def test_no_wrong_passphrase_message_after_a_correct_unlock(qtbot, tmp_path):
    from drc_desktop.model.session import SessionModel
    from drc_desktop.model.settings import SettingsModel

    home = tmp_path / "home"
    Vault.create(home, PASSPHRASE).close()
    session = SessionModel(home=home)
    window = MainWindow(session, SettingsModel(home))
    qtbot.addWidget(window)
    window.unlock_view.passphrase.setText("not it")
    window.unlock_view.button.click()
    qtbot.waitUntil(lambda: "passphrase" in window.message.text(), timeout=TIMEOUT)
    window.unlock_view.passphrase.setText(PASSPHRASE)
    window.unlock_view.button.click()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.work_view, timeout=TIMEOUT)
    settle(window, qtbot)
    assert "passphrase" not in window.message.text()
    session.shutdown()


def test_no_japanese_message_after_switching_back_to_english(window, qtbot):
    window.settings.set("language", "ja")
    view = window.unlock_view
    view.passphrase.setText(PASSPHRASE)
    view.repeat.setText("something else")
    view.button.click()
    assert JAPANESE.search(shown_messages(window))
    window.settings.set("language", "en")
    assert not JAPANESE.search(shown_messages(window))


def test_importing_a_duplicate_says_why_nothing_was_added(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    importer = window.work_view.importer
    importer.start([tmp_path / "images" / "0.png"])
    qtbot.waitUntil(lambda: importer.status.text().startswith("Done"), timeout=TIMEOUT)
    assert "already in this profile" in importer.status.text()
    assert "Added 0" not in importer.status.text()


def test_the_result_box_is_named_for_what_it_does(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    generated(window, qtbot, tmp_path, count=1)
    ((_, box),) = window.work_view.composer.checks
    assert box.text() == "Select"  # it only selects: every output is stored anyway
