"""Deletes ask first and can be undone for a while; the undo holds the rows in memory only,
until it expires or the vault locks (issue 12; no soft delete on disk)."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from drc_desktop.model.session import VaultState
from tests.ui.flows import TIMEOUT, answer_question, generated, settle, with_history

NO = QMessageBox.StandardButton.No


def test_gallery_delete_asks_first_and_can_be_undone(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    generated(window, qtbot, tmp_path, count=2)
    gallery = window.work_view.gallery
    gallery.refresh()
    qtbot.waitUntil(lambda: len(gallery.checks) == 2, timeout=TIMEOUT)
    settle(window, qtbot)
    gallery.checks[0][1].setChecked(True)
    questions = []
    answer_question(NO, questions)
    gallery.delete.click()
    settle(window, qtbot)
    assert questions and len(gallery.checks) == 2
    gallery.checks[0][1].setChecked(True)
    answer_question()
    gallery.delete.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 1, timeout=TIMEOUT)
    undo_bar = window.work_view.undo_bar
    assert undo_bar.isVisible() and "Deleted 1" in undo_bar.text.text()
    undo_bar.button.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 2, timeout=TIMEOUT)
    settle(window, qtbot)
    assert not undo_bar.isVisible()
    assert window.work_view.profiles.selected().output_count == 2


def test_remove_from_history_asks_first_and_can_be_undone(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    tab = window.work_view.profile_tab
    qtbot.waitUntil(lambda: tab.items.count() == 3, timeout=TIMEOUT)
    tab.items.setCurrentRow(0)
    questions = []
    answer_question(NO, questions)
    tab.remove.click()
    settle(window, qtbot)
    assert questions and tab.items.count() == 3
    answer_question()
    tab.remove.click()
    qtbot.waitUntil(lambda: tab.items.count() == 2, timeout=TIMEOUT)
    window.work_view.undo_bar.button.click()
    qtbot.waitUntil(lambda: tab.items.count() == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    # the item came back with its content hash: importing the same file again adds nothing
    importer = window.work_view.importer
    importer.start([tmp_path / "images" / "0.png"])
    qtbot.waitUntil(lambda: importer.status.text().startswith("Done"), timeout=TIMEOUT)
    assert "1 duplicate" in importer.status.text()


def test_the_undo_is_dropped_when_the_vault_locks(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    tab = window.work_view.profile_tab
    qtbot.waitUntil(lambda: tab.items.count() == 3, timeout=TIMEOUT)
    tab.items.setCurrentRow(0)
    answer_question()
    tab.remove.click()
    qtbot.waitUntil(lambda: window.models.undo.available, timeout=TIMEOUT)
    window.lock_now()
    qtbot.waitUntil(lambda: window.session.state is VaultState.locked, timeout=TIMEOUT)
    assert not window.models.undo.available and window.models.undo.text == ""


def test_the_undo_expires(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    tab = window.work_view.profile_tab
    qtbot.waitUntil(lambda: tab.items.count() == 3, timeout=TIMEOUT)
    window.models.undo.timer.setInterval(100)
    tab.items.setCurrentRow(0)
    answer_question()
    tab.remove.click()
    qtbot.waitUntil(lambda: window.models.undo.available, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.models.undo.available, timeout=TIMEOUT)
    assert not window.work_view.undo_bar.isVisible()
