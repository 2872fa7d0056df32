"""History you can see without keeping pixels (issue 12 §2): a built-in-model profile shows
each item rebuilt from the vault as it comes into view, with its position and local import
date; the pictures live in memory only and go when the vault locks; a failing rebuild leaves
the engine idle."""

from __future__ import annotations

import random
import re
import time

import pytest
from PySide6.QtCore import QSize

from drc_desktop.core import stickers
from drc_desktop.core.errors import ModelError
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.ml.sd import pipeline
from drc_desktop.ui.library_views import PICTURE_ROLE
from tests.tiny_models import tiny_builtin_model, untrained_model_dir  # noqa: F401 (fixtures)
from tests.ui.flows import (
    TIMEOUT,
    settle,
    sticker_folder,
    unlocked,
    with_history,
    with_profile,
)

LOCAL_TIME = re.compile(r"imported \d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def many_stickers(root, count: int = 12):
    folder = root / "many"
    folder.mkdir()
    rng = random.Random(6)
    style = stickers.sample_style(rng)
    for index in range(count):
        semantics = stickers.ALL_SEMANTICS[index % len(stickers.ALL_SEMANTICS)]
        stickers.render(style, semantics, seed=index).save(folder / f"{index:02}.png")
    return folder


@pytest.mark.usefixtures("tiny_builtin_model")
def test_a_builtin_model_profile_shows_its_history_rebuilt_from_the_vault(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    tab, rebuilt = window.work_view.profile_tab, window.models.profile.rebuilt
    qtbot.waitUntil(lambda: len(rebuilt.images) == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    for row in range(3):
        entry = tab.items.item(row)
        assert entry.data(PICTURE_ROLE)
        assert entry.icon().actualSize(QSize(256, 256)).width() == 64
        first, second = entry.text().split("\n")
        assert first.startswith(f"{row + 1} of 3 — ") and LOCAL_TIME.search(first)
        assert second == "rebuilt from the vault"
    assert "rebuilt from the vault" in tab.rebuilt_note.text().lower()
    assert not tab.rebuild.isVisible()  # the built-in model needs no button
    assert not rebuilt.activity.running and not window.session.engine.busy
    window.settings.set("language", "ja")  # the rebuilt tab shows the pictures it had
    try:
        entry = window.work_view.profile_tab.items.item(0)
        assert entry.data(PICTURE_ROLE)
        assert entry.text().startswith("1 / 3 枚目") and entry.text().endswith("保管庫から再構成")
    finally:
        window.settings.set("language", "en")


@pytest.mark.usefixtures("tiny_builtin_model")
def test_nothing_is_rebuilt_before_it_is_shown(window, qtbot, tmp_path):
    window.resize(1280, 560)
    with_profile(unlocked(window, qtbot), qtbot)
    view, rebuilt = window.work_view, window.models.profile.rebuilt
    view.tabs.setCurrentWidget(view.importer)  # the history list is not on screen
    view.importer.start([many_stickers(tmp_path)])
    qtbot.waitUntil(lambda: view.profiles.selected().history_count == 12, timeout=TIMEOUT)
    view.profile_tab.refresh()
    qtbot.waitUntil(lambda: view.profile_tab.items.count() == 12, timeout=TIMEOUT)
    settle(window, qtbot)
    assert rebuilt.images == {}

    view.tabs.setCurrentWidget(view.profile_tab)
    qtbot.waitUntil(lambda: bool(rebuilt.images), timeout=TIMEOUT)
    settle(window, qtbot)
    shown = view.profile_tab.shown_item_ids()
    assert 0 < len(shown) < 12
    assert set(rebuilt.images) == set(shown)  # the items on screen, and only those

    items = view.profile_tab.items
    items.scrollToItem(items.item(11))
    last = items.item(11).data(0x0100)  # Qt.UserRole: the item's id
    qtbot.waitUntil(lambda: last in rebuilt.images, timeout=TIMEOUT)
    settle(window, qtbot)
    assert items.item(11).data(PICTURE_ROLE)


@pytest.mark.usefixtures("tiny_builtin_model")
def test_the_rebuilt_pictures_are_dropped_when_the_vault_locks(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    tab, rebuilt = window.work_view.profile_tab, window.models.profile.rebuilt
    qtbot.waitUntil(lambda: len(rebuilt.images) == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    window.lock_now()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.unlock_view, timeout=TIMEOUT)
    assert rebuilt.images == {}
    entries = [tab.items.item(row) for row in range(tab.items.count())]
    assert not any(e.data(PICTURE_ROLE) or "rebuilt" in e.text() for e in entries)
    settle(window, qtbot)
    assert rebuilt.images == {}  # nothing made after the lock comes back


@pytest.mark.usefixtures("tiny_builtin_model")
def test_the_engine_is_idle_after_a_failing_rebuild(window, qtbot, tmp_path, monkeypatch):
    calls: list[int] = []

    def failing_rebuild(self, item, **options):
        calls.append(1)
        raise ModelError("the generator could not rebuild this image")
        yield  # a generator, as the protocol's

    monkeypatch.setattr(MiniBackend, "rebuild", failing_rebuild)
    messages: list[str] = []
    window.session.message.connect(messages.append)
    with_history(window, qtbot, tmp_path)
    tab, rebuilt = window.work_view.profile_tab, window.models.profile.rebuilt
    qtbot.waitUntil(lambda: any("could not rebuild" in m for m in messages), timeout=TIMEOUT)
    settle(window, qtbot)
    qtbot.wait(300)  # a failed item is not asked for again and again
    assert not window.session.engine.busy and not rebuilt.activity.running
    assert rebuilt.images == {} and len(calls) == 1
    assert rebuilt.activity.progress.text == ""  # its progress bar is idle
    tab.items.verticalScrollBar().valueChanged.emit(0)  # shown again: still not retried
    settle(window, qtbot)
    assert len(calls) == 1


@pytest.mark.usefixtures("tiny_builtin_model")
def test_work_the_designer_starts_does_not_wait_for_the_pictures(
    window, qtbot, tmp_path, monkeypatch
):
    rebuild = MiniBackend.rebuild

    def slow_rebuild(self, item, **options):  # each picture takes seconds
        for step in rebuild(self, item, **{**options, "steps": 40}):
            time.sleep(0.1)
            yield step

    monkeypatch.setattr(MiniBackend, "rebuild", slow_rebuild)
    with_history(window, qtbot, tmp_path)
    rebuilt = window.models.profile.rebuilt
    qtbot.waitUntil(lambda: rebuilt.activity.progress.done >= 1, timeout=TIMEOUT)
    pictures_when_done: list[int] = []

    def quick_job(should_stop):
        return None
        yield

    window.session.run("quick", quick_job, lambda _: pictures_when_done.append(len(rebuilt.images)))
    qtbot.waitUntil(lambda: bool(pictures_when_done), timeout=TIMEOUT)
    assert pictures_when_done == [0]  # it ran before the first picture was finished
    qtbot.waitUntil(lambda: len(rebuilt.images) == 3, timeout=TIMEOUT)  # then they all came
    settle(window, qtbot)


def test_a_stable_diffusion_profile_rebuilds_one_item_on_request(
    window, qtbot, tiny_sd_models, tmp_path, monkeypatch
):
    monkeypatch.setitem(pipeline.DEFAULT_SIZE, "sd15", 64)  # the tiny model at 512 px is slow
    unlocked(window, qtbot)
    for name in ("encoder", "ip-sd15", "sd15"):
        window.settings_view.register(tiny_sd_models[name])
        settle(window, qtbot)
    panel = window.work_view.profiles
    qtbot.waitUntil(lambda: panel.model.findText("sd15") >= 0, timeout=TIMEOUT)
    panel.model.setCurrentText("sd15")
    with_profile(window, qtbot, "Bob")
    window.work_view.importer.start([sticker_folder(tmp_path)])
    qtbot.waitUntil(lambda: panel.selected().history_count == 3, timeout=TIMEOUT)
    tab, rebuilt = window.work_view.profile_tab, window.models.profile.rebuilt
    window.work_view.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.items.count() == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    assert rebuilt.images == {}  # shown, but each costs a generation: only on request
    assert tab.rebuild.isVisible() and not tab.rebuild.isEnabled()
    tab.items.setCurrentRow(1)
    assert tab.rebuild.isEnabled()
    tab.rebuild.click()
    wanted = tab.items.item(1).data(0x0100)
    qtbot.waitUntil(lambda: wanted in rebuilt.images, timeout=TIMEOUT)
    settle(window, qtbot)
    assert set(rebuilt.images) == {wanted}
    assert tab.items.item(1).data(PICTURE_ROLE) and tab.rebuild.isEnabled()
    assert tab.items.item(1).text().endswith("rebuilt from the vault")
