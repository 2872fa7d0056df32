"""Sets of assets in the app (issue 12 §2): several references chosen at once, one job, one
row of results per reference, kept together in the gallery beside earlier sets and exported
as a folder plus a contact sheet; a set that fails or is cancelled leaves every view idle."""

from __future__ import annotations

import re

from PIL import Image

from drc_desktop.core.contact_sheet import CELL, GAP
from drc_desktop.core.errors import VaultError
from drc_desktop.ui import compose_tab, library_views
from tests.ui.flows import TIMEOUT, reference_image, settle, with_history


def references(tmp_path):
    """A file and a folder (with a text file) of two more: three references."""
    folder = tmp_path / "refs #ü"
    folder.mkdir()
    for name, semantics in (("b.png", 3), ("a.png", 5)):
        reference_image(tmp_path, semantics).rename(folder / name)
    (folder / "notes.txt").write_text("not a picture")
    return reference_image(tmp_path, 9), folder


def idle(window) -> bool:
    composer, gallery = window.work_view.composer, window.work_view.gallery
    return (composer.generate.isEnabled() and not composer.cancel.isEnabled()
            and composer.progress.format() == "" and gallery.again.isEnabled())  # fmt: skip


def test_the_dialog_takes_several_files_or_a_folder(window, qtbot, tmp_path, monkeypatch,
                                                    tiny_builtin):  # fmt: skip
    with_history(window, qtbot, tmp_path)
    composer = window.work_view.composer
    single, folder = references(tmp_path)
    monkeypatch.setattr(compose_tab, "open_files", lambda *a: [str(single), str(folder / "b.png")])
    composer.reference.click()
    assert composer.model.settings.references == (single, folder / "b.png")
    monkeypatch.setattr(compose_tab, "existing_folder", lambda *a: str(folder))
    composer.reference_folder.click()
    assert composer.model.settings.references == (folder / "a.png", folder / "b.png")  # sorted
    assert "notes.txt" in composer.notice.text()  # skipped, and said so
    assert composer.reference_label.text().startswith("A set of 2 references")
    qtbot.waitUntil(lambda: len(composer.results.row_labels) == 2, timeout=TIMEOUT)
    settle(window, qtbot)


def test_a_set_is_one_job_with_a_row_per_reference_kept_beside_earlier_sets(
    window, qtbot, tmp_path, tiny_builtin
):
    with_history(window, qtbot, tmp_path)
    composer, gallery = window.work_view.composer, window.work_view.gallery
    single, folder = references(tmp_path)
    composer.set_references([single])
    composer.count.setValue(1)
    composer.steps.setValue(3)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)
    settle(window, qtbot)

    texts: list[str] = []
    composer.model.activity.progress_changed.connect(lambda p: texts.append(p.text))
    jobs: list[str] = []
    window.session.engine.job_started.connect(lambda _, name: jobs.append(name))
    composer.set_references([single, folder])
    composer.count.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 6, timeout=TIMEOUT)
    settle(window, qtbot)
    assert [name for name in jobs if name.startswith("generate")] == ["generate for Alice"]
    labels = [label.text() for label in composer.results.row_labels]
    assert [label.split("\n")[0] for label in labels] == ["1. reference-9.png", "2. a.png",
                                                          "3. b.png"]  # fmt: skip
    shown = [re.sub(r" · about \d+ s left$", "", text) for text in texts]
    assert "reference 2 of 3 · step 3 of 3" in shown
    assert shown.index("reference 1 of 3 · step 1 of 3") < shown.index(
        "reference 3 of 3 · step 1 of 3"
    )
    # the gallery keeps the first set and shows the new one beside it, grouped
    qtbot.waitUntil(lambda: len(gallery.checks) == 7, timeout=TIMEOUT)
    titles = [title.text() for title in gallery.grid.titles]
    assert len(titles) == 2 and titles[1].startswith("Set of 3 references")
    assert [label.text() for label in gallery.grid.row_labels] == [
        "", "Reference 1", "Reference 2", "Reference 3",
    ]  # fmt: skip
    assert window.work_view.profiles.selected().output_count == 7


def test_the_gallery_exports_a_set_as_folders_and_a_contact_sheet(
    window, qtbot, tmp_path, monkeypatch, tiny_builtin
):
    with_history(window, qtbot, tmp_path)
    composer, gallery = window.work_view.composer, window.work_view.gallery
    composer.set_references(list(references(tmp_path)))
    composer.count.setValue(2)
    composer.steps.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 6, timeout=TIMEOUT)
    out = tmp_path / "the set #ü"
    monkeypatch.setattr(library_views, "existing_folder", lambda *a: str(out))
    (button,) = gallery.grid.buttons
    button.click()
    qtbot.waitUntil(lambda: "contact sheet" in gallery.notice.text(), timeout=TIMEOUT)
    assert sorted(p.name for p in out.iterdir()) == [
        "contact-sheet.png", "reference-01", "reference-02", "reference-03",
    ]  # fmt: skip
    assert all(len(list((out / f"reference-0{i}").iterdir())) == 2 for i in (1, 2, 3))
    with Image.open(out / "contact-sheet.png") as sheet:
        assert sheet.height == 3 * (CELL + GAP) + GAP


def test_a_set_that_fails_midway_keeps_what_finished_and_every_view_is_idle(
    window, qtbot, tmp_path, monkeypatch, tiny_builtin
):
    from drc_desktop.services import generation

    with_history(window, qtbot, tmp_path)
    composer, gallery = window.work_view.composer, window.work_view.gallery
    store = generation.store_outputs
    calls = []

    def full_disk_at_the_second_reference(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise VaultError("the disk is full")
        return store(*args, **kwargs)

    monkeypatch.setattr(generation, "store_outputs", full_disk_at_the_second_reference)
    composer.set_references(list(references(tmp_path)))
    composer.count.setValue(1)
    composer.steps.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: "disk is full" in composer.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    assert idle(window)
    assert [len(row.outputs) for row in composer.model.rows] == [1, 0, 0]
    qtbot.waitUntil(lambda: len(gallery.checks) == 1, timeout=TIMEOUT)  # what finished
    # and the next set works
    monkeypatch.setattr(generation, "store_outputs", store)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 3, timeout=TIMEOUT)
    settle(window, qtbot)
    assert idle(window)


def test_a_cancelled_set_keeps_the_references_that_finished(
    window, qtbot, tmp_path, monkeypatch, tiny_builtin
):
    import threading

    from drc_desktop.services import generation

    with_history(window, qtbot, tmp_path)
    composer, gallery = window.work_view.composer, window.work_view.gallery
    read = generation.read_image
    cancelled = threading.Event()
    calls = []

    def second_waits_for_the_cancel(path):
        calls.append(path)
        if len(calls) == 2:
            cancelled.wait(TIMEOUT / 1000)  # the designer clicks Cancel during the second
        return read(path)

    monkeypatch.setattr(generation, "read_image", second_waits_for_the_cancel)
    composer.set_references(list(references(tmp_path)))
    composer.count.setValue(1)
    composer.steps.setValue(2)
    composer.generate.click()
    qtbot.waitUntil(lambda: len(composer.checks) == 1, timeout=TIMEOUT)
    composer.cancel.click()
    cancelled.set()
    qtbot.waitUntil(lambda: "Cancelled" in composer.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    assert composer.notice.text() == "Cancelled: the images of 1 of 3 references were kept."
    assert idle(window)
    assert len(composer.checks) == 1
    qtbot.waitUntil(lambda: len(gallery.checks) == 1, timeout=TIMEOUT)
    assert window.work_view.profiles.selected().output_count == 1


def test_the_reference_buttons_open_a_dialog_for_several_files_and_one_for_a_folder(
    window, qtbot, tiny_builtin
):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog

    from tests.ui.flows import unlocked, with_profile

    with_profile(unlocked(window, qtbot), qtbot)
    composer = window.work_view.composer
    modes = []

    def close_dialog(attempts: int = 200) -> None:
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, QFileDialog):
            modes.append(dialog.fileMode())
            dialog.reject()
        elif attempts:
            QTimer.singleShot(20, lambda: close_dialog(attempts - 1))

    for button in (composer.reference, composer.reference_folder):
        QTimer.singleShot(0, close_dialog)
        button.click()
    assert modes == [QFileDialog.FileMode.ExistingFiles, QFileDialog.FileMode.Directory]
    assert composer.model.settings.references == ()  # nothing chosen, nothing changed
    settle(window, qtbot)
