"""What a designer expects (issue 12 §2): the reference seen, results large with export at a
chosen size, sliders that say their value, Lock now and Quit, no internal names, a map that
links to the history, and size notes on import."""

from __future__ import annotations

import numpy as np
from PIL import Image
from PySide6.QtCore import QPoint, Qt

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.model.session import VaultState
from tests.ui.flows import (
    TIMEOUT,
    generated,
    reference_image,
    settle,
    unlocked,
    with_history,
    with_profile,
)


def test_compose_shows_the_reference_thumbnail(window, qtbot, tmp_path):
    with_profile(unlocked(window, qtbot), qtbot)
    composer = window.work_view.composer
    composer.set_reference(reference_image(tmp_path))
    qtbot.waitUntil(lambda: composer.reference_picture.pixmap().width() > 0, timeout=TIMEOUT)
    assert composer.reference_label.text() == "reference-9.png"


def test_a_result_opens_large_with_next_previous_and_exports_4x_by_nearest_neighbour(
    window, qtbot, tmp_path
):
    with_history(window, qtbot, tmp_path)
    generated(window, qtbot, tmp_path, count=2)
    composer = window.work_view.composer
    composer.results.opened.emit(1)
    preview = composer.preview
    assert preview.isVisible() and preview.current_id == composer.model.outputs[1][0]
    assert preview.picture.pixmap().width() >= 256
    preview.next.click()
    assert preview.current_id == composer.model.outputs[0][0]
    preview.previous.click()
    preview.scale.setCurrentIndex(preview.scale.findData(4))
    preview.export_to(tmp_path / "export")
    qtbot.waitUntil(lambda: "Exported 1" in composer.notice.text(), timeout=TIMEOUT)
    original = np.asarray(Image.open(_png_file(composer.model.outputs[1][1], tmp_path)))
    exported = np.asarray(Image.open(tmp_path / "export" / "image-001.png"))
    assert exported.shape[:2] == (original.shape[0] * 4, original.shape[1] * 4)
    assert np.array_equal(exported, original.repeat(4, axis=0).repeat(4, axis=1))
    window.lock_now()  # the preview goes with every other image
    assert composer.preview is None and not preview.isVisible()


def _png_file(png: bytes, folder) -> str:
    path = folder / "original.png"
    path.write_bytes(png)
    return str(path)


def test_strength_sliders_show_their_value_and_return_to_1_on_double_click(window, qtbot):
    unlocked(window, qtbot)
    composer = window.work_view.composer
    window.work_view.tabs.setCurrentWidget(composer)
    composer.style.setValue(0.35)
    assert composer.style.label.text() == "0.35"
    assert composer.model.settings.style_strength == 0.35
    slider = composer.style.slider
    qtbot.mouseDClick(slider, Qt.MouseButton.LeftButton, pos=QPoint(5, slider.height() // 2))
    assert composer.style.value() == 1.0 and composer.style.label.text() == "1.00"
    assert composer.model.settings.style_strength == 1.0


def test_lock_now_and_quit_are_in_the_file_menu(window, qtbot):
    assert not window.lock_action.isEnabled()  # nothing to lock yet
    unlocked(window, qtbot)
    menu = window.menuBar().actions()[0].menu()
    assert {window.lock_action, window.quit_action} <= set(menu.actions())
    window.lock_action.trigger()
    qtbot.waitUntil(lambda: window.session.state is VaultState.locked, timeout=TIMEOUT)
    assert window.pages.currentWidget() is window.unlock_view
    window.quit_action.trigger()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=TIMEOUT)


def test_no_internal_names_on_screen(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    view = window.work_view
    qtbot.waitUntil(lambda: view.models.profile.details is not None, timeout=TIMEOUT)
    settle(window, qtbot)
    details = view.models.profile.details
    assert details.encoders and not any(
        e in view.profile_tab.summary.text() for e in details.encoders
    )
    assert "built-in sticker model" in view.profile_tab.summary.text()
    models = [view.profiles.model.itemText(i) for i in range(view.profiles.model.count())]
    assert BUILTIN_MODEL not in models
    devices = [
        window.settings_view.device.itemText(i) for i in range(window.settings_view.device.count())
    ]
    assert "auto" not in devices and "cuda" not in devices


def test_the_map_links_points_to_history_items(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    view = window.work_view
    view.tabs.setCurrentWidget(view.profile_tab)
    qtbot.waitUntil(lambda: view.profile_tab.items.count() == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    chart = view.profile_tab.map
    assert chart.width() >= 300 and chart.height() >= 250  # it uses the space it has
    style, _ = chart._placed()
    hovered = []
    chart.hovered.connect(hovered.append)
    point = QPoint(int(style[2][0]), int(style[2][1]))
    qtbot.mouseMove(chart, point)
    qtbot.waitUntil(lambda: hovered and hovered[-1] == 2, timeout=TIMEOUT)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=point)
    assert view.profile_tab.items.currentRow() == 2
    view.profile_tab.items.setCurrentRow(0)
    assert chart.selected == 0


def test_import_reports_very_small_and_very_large_images(window, qtbot, tmp_path):
    with_profile(unlocked(window, qtbot), qtbot)
    folder = tmp_path / "sizes"
    folder.mkdir()
    Image.new("RGB", (8, 8), (10, 200, 30)).save(folder / "tiny.png")
    Image.new("RGB", (5000, 64), (200, 10, 30)).save(folder / "wide.png")
    importer = window.work_view.importer
    importer.start([folder])
    qtbot.waitUntil(lambda: importer.status.text().startswith("Done"), timeout=TIMEOUT)
    rows = [importer.results.item(i).text() for i in range(importer.results.count())]
    assert any("tiny.png" in row and "very small" in row for row in rows), rows
    assert any("wide.png" in row and "very large" in row for row in rows), rows
