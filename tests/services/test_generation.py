"""Generation from a profile's stored vectors: outputs and requests kept in the vault."""

from __future__ import annotations

import io
import random
from dataclasses import replace

import numpy as np
import pytest
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.services.generation import generate_for_profile, load_model
from drc_desktop.store.vault import Vault

PASSPHRASE = "composer test passphrase"


def sticker(seed: int) -> Image.Image:
    rng = random.Random(seed)
    return stickers.render(stickers.sample_style(rng), stickers.sample_semantics(rng), seed=seed)


@pytest.fixture
def vault(tmp_path):
    with Vault.create(tmp_path / "home", PASSPHRASE) as opened:
        yield opened


@pytest.fixture
def profile_id(vault, trained_model) -> int:
    profile = vault.profiles.create("Alice", "drc-mini")
    images = [sticker(seed) for seed in range(3)]
    for seed, vectors in enumerate(trained_model.describe(images)):
        vault.history.add(profile.id, vectors, vault.fingerprint(b"%d" % seed))
    return profile.id


def run(vault, model, request, **options):
    ids = None
    for _, _, result in generate_for_profile(vault, model, request, sticker(99), **options):
        ids = result
    return ids


def test_outputs_are_stored_with_their_request(vault, trained_model, profile_id):
    request = GenerationRequest(profile_id=profile_id, n=2, seed=3, steps=2)
    ids = run(vault, trained_model, request)
    assert len(ids) == 2
    for index, output_id in enumerate(ids):
        output = vault.outputs.get(output_id)
        assert output.request == replace(request, index=index, history_items=3)
        image = Image.open(io.BytesIO(output.png))
        assert image.size == (output.width, output.height) == (64, 64)
        assert not image.info  # no text, EXIF or other metadata chunks


def test_generation_from_stored_features_matches_generation_from_images(
    vault, trained_model, profile_id
):
    request = GenerationRequest(profile_id=profile_id, n=1, seed=5, steps=2)
    (output_id,) = run(vault, trained_model, request)
    stored = np.asarray(Image.open(io.BytesIO(vault.outputs.get(output_id).png)))
    *_, (_, _, images) = trained_model.generate(
        [sticker(seed) for seed in range(3)], sticker(99), n=1, seed=5, steps=2
    )
    direct = images[0].resize((64, 64), Image.Resampling.BICUBIC)
    np.testing.assert_allclose(stored.astype(int), np.asarray(direct).astype(int), atol=1)


def test_strengths_change_the_output(vault, trained_model, profile_id):
    base = GenerationRequest(profile_id=profile_id, n=1, seed=1, steps=2)
    outputs = [
        vault.outputs.get(run(vault, trained_model, replace(base, **change))[0]).png
        for change in ({}, {"style_strength": 0.0}, {"semantic_strength": 0.0})
    ]
    assert len(set(outputs)) == 3


def test_cancel_stores_nothing(vault, trained_model, profile_id):
    request = GenerationRequest(profile_id=profile_id, n=1, steps=3)
    assert run(vault, trained_model, request, should_stop=lambda: True) is None
    assert vault.outputs.list(profile_id) == []


def test_empty_profile_and_prompt_are_clear_errors(vault, trained_model, profile_id):
    empty = vault.profiles.create("Empty", "drc-mini")
    with pytest.raises(InputError, match="'Empty' has no history yet"):
        run(vault, trained_model, GenerationRequest(profile_id=empty.id))
    with pytest.raises(InputError, match="no text encoder"):
        run(vault, trained_model, GenerationRequest(profile_id=profile_id, prompt="a cat"))


def test_vectors_of_another_encoder_are_refused_with_advice(vault, trained_model, profile_id):
    foreign = ImageVectors("other-encoder@1", *(np.zeros((16, 16)),) * 3)
    vault.history.add(profile_id, foreign, vault.fingerprint(b"foreign"))
    with pytest.raises(InputError, match=r"another encoder.*other-encoder@1.*import the images"):
        run(vault, trained_model, GenerationRequest(profile_id=profile_id, steps=1))


def test_unknown_model_is_a_model_error():
    with pytest.raises(ModelError, match="'sd15-mine' is not available"):
        load_model("sd15-mine")
