"""The Gallery's "Generate again" (issue 11 §3): the same pixels from what the vault keeps, as a
new output; a clear sentence when a model file changed or is missing; when the history changed,
an offer to use the current history. On a tiny built-in model."""

from __future__ import annotations

import shutil

import numpy as np
import torch
from PIL import Image
from PySide6.QtWidgets import QMessageBox

from drc_desktop.ml.builtin.drc_mini import MiniModel
from drc_desktop.ml.model_files import save_weights, write_manifest
from tests.ui.flows import TIMEOUT, answer_question, generated, settle, with_history


def gallery_with_one_output(window, qtbot, tmp_path):
    with_history(window, qtbot, tmp_path)
    generated(window, qtbot, tmp_path, count=1, steps=2)
    gallery = window.work_view.gallery
    qtbot.waitUntil(lambda: len(gallery.checks) == 1, timeout=TIMEOUT)
    settle(window, qtbot)
    gallery.checks[0][1].setChecked(True)
    return gallery


def pixels(png: bytes, folder, name: str) -> np.ndarray:
    path = folder / name
    path.write_bytes(png)
    with Image.open(path) as image:
        return np.asarray(image)


def test_generate_again_makes_the_same_pixels_as_a_new_output(window, qtbot, tmp_path,
                                                              tiny_builtin):  # fmt: skip
    gallery = gallery_with_one_output(window, qtbot, tmp_path)
    gallery.again.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 2, timeout=TIMEOUT)
    settle(window, qtbot)
    (first, _, _, first_png, *_), (again, _, _, again_png, *_) = gallery.model.outputs
    assert gallery.notice.text() == f"Generated again as image {again}"
    assert again != first
    np.testing.assert_array_equal(pixels(first_png, tmp_path, "a.png"),
                                  pixels(again_png, tmp_path, "b.png"))  # fmt: skip
    assert gallery.again.isEnabled() and gallery.again_progress.format() == ""


def test_generate_again_names_a_model_file_that_changed_or_is_missing(window, qtbot, tmp_path,
                                                                      tiny_builtin):  # fmt: skip
    gallery = gallery_with_one_output(window, qtbot, tmp_path)
    changed = MiniModel.load(tiny_builtin)
    unet, conditioner = changed.generators["drc"]
    with torch.no_grad():
        next(unet.parameters()).add_(0.01)
    save_weights(tiny_builtin / "generator-drc.safetensors",
                 {"unet": unet, "conditioner": conditioner})  # fmt: skip
    write_manifest(tiny_builtin)
    gallery.again.click()
    qtbot.waitUntil(lambda: "changed" in gallery.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    assert "generator-drc.safetensors changed" in gallery.notice.text()
    assert len(gallery.checks) == 1 and gallery.again.isEnabled()

    shutil.rmtree(tiny_builtin)  # the model is gone: loading it again fails
    window.session.use_device("cpu")  # drops the loaded models
    settle(window, qtbot)
    gallery.again.click()
    qtbot.waitUntil(lambda: "cannot be made again" in gallery.notice.text(), timeout=TIMEOUT)
    settle(window, qtbot)
    (output_id, *_), *_ = gallery.model.outputs
    assert gallery.notice.text().startswith(f"Image {output_id} cannot be made again: ")
    assert "Traceback" not in gallery.notice.text()
    assert len(gallery.checks) == 1 and gallery.again.isEnabled()


def test_generate_again_offers_the_current_history_when_it_changed(window, qtbot, tmp_path,
                                                                   tiny_builtin):  # fmt: skip
    from tests.ui.flows import reference_image

    gallery = gallery_with_one_output(window, qtbot, tmp_path)
    more = tmp_path / "more"
    more.mkdir()
    window.work_view.importer.start([reference_image(more, 4)])
    qtbot.waitUntil(lambda: window.work_view.profiles.selected().history_count == 4,
                    timeout=TIMEOUT)  # fmt: skip
    settle(window, qtbot)
    gallery.checks[0][1].setChecked(True)
    seen: list[str] = []
    answer_question(QMessageBox.StandardButton.No, seen)
    gallery.again.click()
    qtbot.waitUntil(lambda: gallery.notice.text() == "Nothing was generated.", timeout=TIMEOUT)
    assert "history changed" in seen[0] and "--current-history" not in seen[0]
    assert len(gallery.checks) == 1
    answer_question(QMessageBox.StandardButton.Yes, seen)
    gallery.again.click()
    qtbot.waitUntil(lambda: len(gallery.checks) == 2, timeout=TIMEOUT)
    settle(window, qtbot)
    assert gallery.notice.text().startswith("Generated again as image")
    assert gallery.model.outputs[-1][2].history_items == 4  # from the history as it is now
