"""A Stable Diffusion model rebuilds one history item from its stored embedding (issue 12
§2: on request, as it costs a generation): each step reported, one image of the model's size."""

from __future__ import annotations

import random
from dataclasses import replace

import numpy as np
import pytest

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError
from drc_desktop.ml.backend import final_images
from drc_desktop.ml.sd import pipeline
from drc_desktop.ml.sd.pipeline import SdBackend
from drc_desktop.services.models import register
from drc_desktop.store.vault import Vault


@pytest.fixture(scope="module")
def sd15(tiny_sd_models, tmp_path_factory) -> SdBackend:
    with Vault.create(tmp_path_factory.mktemp("rebuild-sd") / "home", "rebuild sd") as vault:
        for name in ("encoder", "ip-sd15", "sd15"):
            model = register(vault, tiny_sd_models[name], name=name)
        return SdBackend.load(vault.models, model)


def test_an_item_is_rebuilt_with_each_step_reported(sd15, monkeypatch):
    monkeypatch.setitem(pipeline.DEFAULT_SIZE, "sd15", 64)  # the tiny model at 512 px is slow
    rng = random.Random(2)
    images = [stickers.render(stickers.sample_style(rng), s) for s in stickers.ALL_SEMANTICS[:2]]
    first, second = sd15.describe(images)
    steps = list(sd15.rebuild(first, steps=2))
    assert [(s.step, s.total) for s in steps] == [(1, 2), (2, 2), (2, 2)]
    (picture,) = steps[-1].images
    assert picture.size == (64, 64)
    again = np.asarray(final_images(sd15.rebuild(first, steps=2))[0])
    assert np.array_equal(np.asarray(picture), again)
    assert not np.array_equal(again, np.asarray(final_images(sd15.rebuild(second, steps=2))[0]))
    with pytest.raises(InputError, match="another image encoder"):
        list(sd15.rebuild(replace(first, encoder="drc-mini-v2-encoder@0"), steps=1))
    sd15.close()
