"""A language switch rebuilds the widgets from their view-models: they show the settings the
next run uses, the same tab, the style preview and the import log (issue 12)."""

from __future__ import annotations

from tests.ui.flows import TIMEOUT, settle, with_history


def test_language_switch_keeps_what_the_widgets_show_and_use(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    view = window.work_view
    view.profile_tab.preview_button.click()
    qtbot.waitUntil(lambda: view.profile_tab.preview.count() == 4, timeout=TIMEOUT)
    settle(window, qtbot)
    rows = view.importer.results.count()
    composer = view.composer
    composer.steps.setValue(10)
    composer.count.setValue(3)
    composer.seed.setValue(7)
    composer.style.setValue(0.5)
    composer.semantic.setValue(1.5)
    view.tabs.setCurrentWidget(composer)

    window.settings.set("language", "ja")
    settle(window, qtbot)
    view = window.work_view
    composer = view.composer
    assert view.tabs.currentWidget() is composer
    assert (composer.steps.value(), composer.count.value(), composer.seed.value()) == (10, 3, 7)
    assert (composer.style.value(), composer.semantic.value()) == (0.5, 1.5)
    settings = composer.model.settings
    assert (settings.steps, settings.n, settings.seed) == (10, 3, 7)
    assert (settings.style_strength, settings.semantic_strength) == (0.5, 1.5)
    assert view.profile_tab.preview.count() == 4
    assert view.importer.results.count() == rows > 0
    assert view.profiles.selected().name == "Alice"
