"""A Stable Diffusion profile in the GUI (tiny SD 1.5): per-step progress, then cancel keeps
nothing (issue 11 §2: the pipeline's steps reach the view-models like drc-mini's)."""

from __future__ import annotations

from drc_desktop.ml.sd import pipeline
from tests.ui.test_app import TIMEOUT, settle, sticker_folder, unlocked


def test_sd_profile_shows_each_step_and_cancel_keeps_nothing(
    window, qtbot, tiny_sd_models, tmp_path, monkeypatch
):
    # the Compose tab sends no size: the tiny model's steps at SD 1.5's 512 px take seconds
    monkeypatch.setitem(pipeline.DEFAULT_SIZE, "sd15", 64)
    unlocked(window, qtbot)
    for name in ("encoder", "ip-sd15", "sd15"):
        window.settings_view.register(tiny_sd_models[name])
        settle(window, qtbot)
    panel = window.work_view.profiles
    qtbot.waitUntil(lambda: panel.model.findText("sd15") >= 0, timeout=TIMEOUT)
    panel.model.setCurrentText("sd15")
    panel.name.setText("Bob")
    panel.create.click()
    qtbot.waitUntil(lambda: panel.selected() is not None, timeout=TIMEOUT)
    folder = sticker_folder(tmp_path)
    window.work_view.importer.start([folder])
    qtbot.waitUntil(lambda: panel.selected().history_count == 3, timeout=TIMEOUT)
    settle(window, qtbot)

    composer = window.work_view.composer
    composer.set_reference(folder / "0.png")
    composer.steps.setValue(composer.steps.maximum())
    steps: list[tuple[int, int]] = []
    activity = window.work_view.composer.model.activity

    def seen(progress) -> None:
        if not progress.busy and progress.done:
            steps.append((progress.done, progress.total))

    activity.progress_changed.connect(seen)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(steps) >= 2, timeout=TIMEOUT)
    composer.cancel.click()
    qtbot.waitUntil(lambda: "Cancelled" in composer.notice.text(), timeout=TIMEOUT)
    total = composer.steps.maximum()
    assert steps[:2] == [(1, total), (2, total)]  # one report per denoising step
    assert composer.checks == []
    settle(window, qtbot)
    assert panel.selected().output_count == 0
    window.session.vault.outputs.list()  # the vault is still usable
