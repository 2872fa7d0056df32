"""drc-mini rebuilds a history item from its stored vectors alone (issue 12 §2): its own
style and semantic parts through the DRC generator, the same picture every time."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError
from drc_desktop.ml.backend import final_images
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from tests.tiny_models import untrained_model_dir  # noqa: F401 (a fixture)

STEPS = 2


@pytest.fixture(scope="module")
def backend(untrained_model_dir) -> MiniBackend:  # noqa: F811
    return MiniBackend.load(untrained_model_dir)


@pytest.fixture(scope="module")
def items(backend):
    style = stickers.sample_style(random.Random(3))
    images = [stickers.render(style, semantics) for semantics in stickers.ALL_SEMANTICS[:2]]
    return backend.describe(images)


def pixels(backend, item) -> np.ndarray:
    (image,) = final_images(backend.rebuild(item, steps=STEPS))
    return np.asarray(image)


def test_rebuild_reports_each_step_then_one_sticker_size_picture(backend, items):
    steps = list(backend.rebuild(items[0], steps=STEPS))
    assert [(s.step, s.total, s.images is None) for s in steps] == [(1, 2, True), (2, 2, False)]
    (image,) = steps[-1].images
    assert image.size == (stickers.STICKER_SIZE, stickers.STICKER_SIZE)


def test_an_item_always_gives_the_same_picture_and_another_item_another(backend, items):
    first = pixels(backend, items[0])
    assert np.array_equal(first, pixels(backend, items[0]))
    assert not np.array_equal(first, pixels(backend, items[1]))


def test_the_picture_comes_from_the_items_style_and_semantic_parts(backend, items):
    item, other = items
    # the encoder features are not read: only the two disentangled parts
    same_parts = replace(item, features=other.features)
    assert np.array_equal(pixels(backend, item), pixels(backend, same_parts))
    for part in ("style", "semantics"):
        swapped = replace(item, **{part: getattr(other, part)})
        assert not np.array_equal(pixels(backend, item), pixels(backend, swapped)), part


def test_an_item_of_another_encoder_is_refused(backend, items):
    foreign = replace(items[0], encoder="another-encoder@0123")
    with pytest.raises(InputError, match="another image encoder"):
        list(backend.rebuild(foreign, steps=STEPS))


def test_a_rebuild_stops_without_a_picture_when_asked(backend, items):
    steps = list(backend.rebuild(items[0], steps=3, should_stop=lambda: True))
    assert all(step.images is None for step in steps)
