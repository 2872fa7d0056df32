"""Each activity has its own progress, with text, busy while nothing can be counted yet
(issue 12: Compose showed the style preview's 95 %, Import showed generation steps, a run
started at the old 100 %, the first import showed an empty bar while the model loaded)."""

from __future__ import annotations

import re

from tests.ui.flows import TIMEOUT, reference_image, settle, with_history


def recorded(bar) -> list[tuple[int, int, int, str]]:
    """(minimum, maximum, value, text) each time ``bar`` changes."""
    seen = []

    def record(*_):
        seen.append((bar.minimum(), bar.maximum(), bar.value(), bar.format()))

    bar.valueChanged.connect(record)
    return seen


def test_the_style_preview_moves_only_its_own_progress_bar(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    settle(window, qtbot)
    view = window.work_view
    compose_bar, import_bar = recorded(view.composer.progress), recorded(view.importer.progress)
    view.profile_tab.preview_button.click()
    preview_bar = recorded(view.profile_tab.preview_progress)
    qtbot.waitUntil(lambda: view.profile_tab.preview.count() == 4, timeout=TIMEOUT)
    settle(window, qtbot)
    assert compose_bar == [] and import_bar == []
    assert view.composer.progress.format() == "" and view.composer.progress.value() <= 0
    assert any(text.startswith("step") for *_, text in preview_bar)


def test_a_generation_shows_busy_then_steps_and_time_left(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    settle(window, qtbot)
    view = window.work_view
    composer = view.composer
    compose_bar, import_bar = recorded(composer.progress), recorded(view.importer.progress)
    composer.set_reference(reference_image(tmp_path))
    composer.count.setValue(1)
    composer.steps.setValue(12)
    composer.generate.click()
    assert (composer.progress.minimum(), composer.progress.maximum()) == (0, 0)  # busy
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)
    settle(window, qtbot)
    steps = [(value, text) for low, high, value, text in compose_bar if high == 12]
    assert [value for value, _ in steps] == sorted(value for value, _ in steps)
    assert steps[0][0] < 12  # not the last run's 100 %
    assert all(re.match(r"step \d+ of 12", text) for _, text in steps)
    assert any(re.fullmatch(r"step \d+ of 12 · about \d+ s left", text) for _, text in steps)
    assert import_bar == []
    assert composer.progress.format() == ""  # idle again
