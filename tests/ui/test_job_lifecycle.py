"""Every job that fails, is cancelled or is dropped by a lock returns every view to idle
(issue 12: Compose stayed disabled after a failed generation; DESIGN.md §5)."""

from __future__ import annotations

from drc_desktop.model.session import VaultState
from tests.ui.flows import TIMEOUT, reference_image, settle, unlocked, with_history


def idle(tab) -> bool:
    return tab.generate.isEnabled() and not tab.cancel.isEnabled() and tab.progress.value() <= 0


def test_compose_is_idle_again_after_a_failed_generation(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    not_an_image = tmp_path / "notes.png"
    not_an_image.write_text("this is text, not a picture")
    composer.set_reference(not_an_image)
    composer.generate.click()
    qtbot.waitUntil(lambda: "not an image" in composer.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    assert composer.generate.isEnabled() and not composer.cancel.isEnabled()
    assert composer.progress.format() == ""  # no stale "loading" or step text
    # and it works again with a good reference
    composer.set_reference(reference_image(tmp_path))
    composer.count.setValue(1)
    composer.steps.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)


def test_import_is_idle_again_after_a_failed_import(window, qtbot, tmp_path, monkeypatch):
    from drc_desktop.core.errors import VaultError
    from drc_desktop.services import intake

    with_history(window, qtbot, tmp_path)
    importer = window.work_view.importer

    def failing_import(*args, **kwargs):
        raise VaultError("the disk is full")
        yield

    monkeypatch.setattr(intake, "import_files", failing_import)
    importer.start([tmp_path / "images"])
    qtbot.waitUntil(lambda: "disk is full" in importer.status.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    assert importer.add.isEnabled() and not importer.cancel.isEnabled()
    assert importer.progress.format() == ""


def test_locking_during_a_generation_returns_compose_to_idle(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    composer.set_reference(reference_image(tmp_path))
    composer.steps.setValue(100)
    composer.count.setValue(4)
    composer.generate.click()
    qtbot.waitUntil(lambda: composer.progress.value() > 0, timeout=TIMEOUT)
    window.lock_now()
    qtbot.waitUntil(lambda: window.session.state is VaultState.locked, timeout=TIMEOUT)
    settle(window, qtbot)
    unlocked(window, qtbot)
    composer = window.work_view.composer
    assert composer.generate.isEnabled() and not composer.cancel.isEnabled()
    assert composer.progress.format() == ""
