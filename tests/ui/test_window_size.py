"""The window keeps its size whatever it shows, and fits a 1366 x 768 screen (issue 12: 16
results made it 2,345 px wide, a gallery of 46 images 1,146 px tall, each language switch
grew it again)."""

from __future__ import annotations

from drc_desktop.core.images import encode_png
from drc_desktop.core.requests import GenerationRequest
from tests.ui.flows import unlocked, with_profile

SCREEN = (1366, 768 - 40)  # less a taskbar


def sticker_png() -> bytes:
    from PIL import Image

    return encode_png(Image.new("RGB", (64, 64), (200, 80, 40)))


def fits(window) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1]


def test_sixteen_results_and_a_large_gallery_scroll_inside_the_window(window, qtbot):
    with_profile(unlocked(window, qtbot), qtbot)
    size = window.size()
    png = sticker_png()
    view = window.work_view
    view.tabs.setCurrentWidget(view.composer)
    view.composer.show_outputs([(index, png) for index in range(16)])
    qtbot.wait(50)
    assert window.size() == size and fits(window)
    request = GenerationRequest(profile_id=1, model="drc-mini")
    view.tabs.setCurrentWidget(view.gallery)
    view.gallery.show_outputs([(index, "2026-01-01", request, png) for index in range(46)])
    qtbot.wait(50)
    assert window.size() == size and fits(window)
    assert all(check.isVisibleTo(view.gallery) for _, check in view.gallery.checks)


def test_language_switches_do_not_grow_the_window(window, qtbot):
    with_profile(unlocked(window, qtbot), qtbot)
    size = window.size()
    for language in ("ja", "en", "ja", "en"):
        window.settings.set("language", language)
        qtbot.wait(50)
        assert window.size() == size and fits(window), language
