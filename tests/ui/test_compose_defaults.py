"""Compose shows the defaults of the selected profile's backend, and sends what it shows
(issue 11 §3: Compose showed 20 steps for every model; a Stable Diffusion profile ran 30)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.ml.sd import pipeline
from tests.ui.flows import TIMEOUT, settle, sticker_folder, unlocked, with_profile


@pytest.fixture
def two_backends(window, qtbot, tiny_sd_models, tiny_builtin, tmp_path, monkeypatch):
    """Profiles Alice (built-in model) and Bob (tiny SD 1.5), both with three stickers."""
    monkeypatch.setitem(pipeline.DEFAULT_SIZE, "sd15", 64)  # seconds, not minutes, a step
    unlocked(window, qtbot)
    for name in ("encoder", "ip-sd15", "sd15"):
        window.settings_view.register(tiny_sd_models[name])
        settle(window, qtbot)
    panel = window.work_view.profiles
    folder = sticker_folder(tmp_path)
    with_profile(window, qtbot, "Alice")
    window.work_view.importer.start([folder])
    qtbot.waitUntil(lambda: panel.selected().history_count == 3, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: panel.model.findText("sd15") >= 0, timeout=TIMEOUT)
    panel.model.setCurrentText("sd15")
    with_profile(window, qtbot, "Bob")
    window.work_view.importer.start([folder])
    qtbot.waitUntil(lambda: panel.selected().history_count == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    return panel


def select(window, qtbot, name: str) -> None:
    """Select profile ``name`` and wait until Compose shows its backend's defaults."""
    panel, composer = window.work_view.profiles, window.work_view.composer
    items = [panel.list.item(row) for row in range(panel.list.count())]
    panel.list.setCurrentItem(
        next(i for i in items if i.data(Qt.ItemDataRole.UserRole).name == name)
    )
    qtbot.waitUntil(lambda: composer.model.defaults_for == name
                    and composer.model.defaults is not None, timeout=TIMEOUT)  # fmt: skip
    settle(window, qtbot)


def test_switching_profile_between_backends_changes_the_shown_defaults(
    window, qtbot, two_backends, tiny_builtin
):
    composer = window.work_view.composer
    mini = MiniBackend.load(tiny_builtin).defaults()
    select(window, qtbot, "Bob")
    assert composer.steps.value() == pipeline.DEFAULT_STEPS != mini.steps
    assert composer.guidance.isEnabled() and composer.guidance.value() == 7.5  # SD 1.5's
    assert composer.prompt.isEnabled()
    select(window, qtbot, "Alice")
    assert composer.steps.value() == mini.steps
    assert not composer.guidance.isEnabled() and composer.guidance.text() != "7.5"
    assert not composer.prompt.isEnabled()
    settings = composer.model.settings
    assert (settings.steps, settings.guidance_scale) == (mini.steps, None)


def test_what_compose_shows_is_what_it_sends(window, qtbot, two_backends, tmp_path):
    composer, gallery = window.work_view.composer, window.work_view.gallery
    select(window, qtbot, "Alice")
    shown_steps = composer.steps.value()
    composer.set_reference(tmp_path / "images" / "0.png")
    composer.count.setValue(1)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 1, timeout=TIMEOUT)
    assert gallery.model.outputs[0][2].steps == shown_steps  # the default, as shown

    select(window, qtbot, "Bob")
    composer.steps.setValue(3)
    composer.guidance.setValue(4.5)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 1 and gallery.model.outputs[0][2].model
                    == "sd15", timeout=TIMEOUT)  # fmt: skip
    request = gallery.model.outputs[0][2]
    assert (request.steps, request.guidance_scale) == (3, 4.5)
    settle(window, qtbot)
