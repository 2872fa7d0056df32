"""Generation from a profile's stored vectors: outputs kept with their resolved request, and
made again from what the vault keeps (issue 11 §3)."""

from __future__ import annotations

import io
import random
import shutil
from dataclasses import replace

import numpy as np
import pytest
import torch
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import RESOLVED_FIELDS, GenerationRequest
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.backends import load_builtin
from drc_desktop.ml.builtin.drc_mini import MiniModel
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.ml.model_files import save_weights, sha256_of, write_manifest
from drc_desktop.services.generation import generate_for_profile, regenerate
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
def profile_id(vault, trained_backend) -> int:
    profile = vault.profiles.create("Alice", "drc-mini")
    images = [sticker(seed) for seed in range(3)]
    for seed, vectors in enumerate(trained_backend.describe(images)):
        vault.history.add(profile.id, vectors, vault.fingerprint(b"%d" % seed))
    return profile.id


def run(vault, backend, request, **options):
    ids = None
    for _, _, result in generate_for_profile(vault, backend, request, sticker(99), **options):
        ids = result
    return ids


def last_ids(progress) -> list[int] | None:
    ids = None
    for _, _, result in progress:
        ids = result or ids
    return ids


def pixels(vault, output_id: int) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(vault.outputs.get(output_id).png)))


def test_outputs_are_stored_with_their_resolved_request(
    vault, trained_backend, trained_model_dir, profile_id
):
    request = GenerationRequest(profile_id=profile_id, n=2, seed=3, steps=2)
    ids = run(vault, trained_backend, request)
    assert len(ids) == 2
    model = trained_backend.model
    for index, output_id in enumerate(ids):
        output = vault.outputs.get(output_id)
        stored = output.request
        assert stored.not_recorded() == ()
        assert all(getattr(stored, name) is not None for name in RESOLVED_FIELDS)
        assert (stored.index, stored.history_items, stored.method) == (index, 3, "drc")
        assert (stored.steps, stored.size) == (2, stickers.STICKER_SIZE)
        assert stored.guidance_weights == model.guidance_weights(1.0, 1.0)
        assert (stored.device, stored.dtype, stored.threads) == ("cpu", "float32", 1)
        assert stored.scheduler == "DPMSolverMultistepScheduler"
        generator = trained_model_dir / "generator-drc.safetensors"
        assert stored.weights["drc-mini:generator-drc.safetensors"] == sha256_of(generator)
        assert set(stored.libraries) == {"torch", "diffusers"}
        assert output.reference_features and output.history_digest
        image = Image.open(io.BytesIO(output.png))
        assert image.size == (output.width, output.height) == (64, 64)
        assert not image.info  # no text, EXIF or other metadata chunks


def test_default_steps_are_recorded_not_left_out(vault, trained_backend, profile_id):
    (output_id,) = run(vault, trained_backend, GenerationRequest(profile_id=profile_id, n=1))
    assert vault.outputs.get(output_id).request.steps == trained_backend.defaults().steps


def test_generation_from_stored_features_matches_generation_from_images(
    vault, trained_backend, profile_id
):
    request = GenerationRequest(profile_id=profile_id, n=1, seed=5, steps=2)
    (output_id,) = run(vault, trained_backend, request)
    *_, (_, _, images) = trained_backend.model.generate(
        [sticker(seed) for seed in range(3)], sticker(99), n=1, seed=5, steps=2
    )
    direct = images[0].resize((64, 64), Image.Resampling.BICUBIC)
    np.testing.assert_allclose(
        pixels(vault, output_id).astype(int), np.asarray(direct).astype(int), atol=1
    )


def test_regenerate_makes_the_same_pixels_as_a_new_output(vault, trained_backend, profile_id):
    request = GenerationRequest(profile_id=profile_id, n=3, seed=7, steps=2)
    ids = run(vault, trained_backend, request)
    again = last_ids(regenerate(vault, trained_backend, ids[1]))
    assert len(again) == 1 and again[0] not in ids
    np.testing.assert_array_equal(pixels(vault, again[0]), pixels(vault, ids[1]))
    assert vault.outputs.get(again[0]).request == vault.outputs.get(ids[1]).request
    assert not np.array_equal(pixels(vault, ids[0]), pixels(vault, ids[1]))  # per-output noise


def test_regenerate_refuses_a_changed_history_unless_asked(vault, trained_backend, profile_id):
    (output_id,) = run(vault, trained_backend, GenerationRequest(profile_id=profile_id, n=1,
                                                                 steps=2))  # fmt: skip
    (vectors,) = trained_backend.describe([sticker(50)])
    vault.history.add(profile_id, vectors, vault.fingerprint(b"new"))
    with pytest.raises(InputError, match=r"history changed.*--current-history"):
        last_ids(regenerate(vault, trained_backend, output_id))
    (new_id,) = last_ids(regenerate(vault, trained_backend, output_id, current_history=True))
    assert vault.outputs.get(new_id).request.history_items == 4


def test_regenerate_names_a_weight_file_that_changed(
    vault, trained_backend, trained_model_dir, profile_id, tmp_path
):
    (output_id,) = run(vault, trained_backend, GenerationRequest(profile_id=profile_id, n=1,
                                                                 steps=2))  # fmt: skip
    folder = shutil.copytree(trained_model_dir, tmp_path / "retrained")
    changed = MiniModel.load(folder)
    unet, conditioner = changed.generators["drc"]
    with torch.no_grad():
        next(unet.parameters()).add_(0.01)
    save_weights(folder / "generator-drc.safetensors", {"unet": unet, "conditioner": conditioner})
    write_manifest(folder)
    with pytest.raises(ModelError, match=r"drc-mini:generator-drc.safetensors changed"):
        last_ids(regenerate(vault, MiniBackend.load(folder), output_id))
    assert len(vault.outputs.list(profile_id)) == 1


def test_outputs_stored_before_recording_cannot_be_made_again(vault, trained_backend, profile_id):
    old = GenerationRequest(profile_id=profile_id, seed=5, n=1)  # as stored before issue 11
    output_id = vault.outputs.add(b"png", 64, 64, old)
    assert "steps" in vault.outputs.get(output_id).request.not_recorded()
    with pytest.raises(InputError, match=r"before DRC Desktop recorded how \(steps"):
        last_ids(regenerate(vault, trained_backend, output_id))


def test_strengths_change_the_output(vault, trained_backend, profile_id):
    base = GenerationRequest(profile_id=profile_id, n=1, seed=1, steps=2)
    outputs = [
        vault.outputs.get(run(vault, trained_backend, replace(base, **change))[0]).png
        for change in ({}, {"style_strength": 0.0}, {"semantic_strength": 0.0})
    ]
    assert len(set(outputs)) == 3


def test_cancel_stores_nothing(vault, trained_backend, profile_id):
    request = GenerationRequest(profile_id=profile_id, n=1, steps=3)
    assert run(vault, trained_backend, request, should_stop=lambda: True) is None
    assert vault.outputs.list(profile_id) == []


def test_empty_profile_and_prompt_are_clear_errors(vault, trained_backend, profile_id):
    empty = vault.profiles.create("Empty", "drc-mini")
    with pytest.raises(InputError, match="'Empty' has no history yet"):
        run(vault, trained_backend, GenerationRequest(profile_id=empty.id))
    with pytest.raises(InputError, match="no text encoder"):
        run(vault, trained_backend, GenerationRequest(profile_id=profile_id, prompt="a cat"))


def test_vectors_of_another_encoder_are_refused_with_advice(vault, trained_backend, profile_id):
    foreign = ImageVectors("other-encoder@1", *(np.zeros((16, 16)),) * 3)
    vault.history.add(profile_id, foreign, vault.fingerprint(b"foreign"))
    with pytest.raises(InputError, match=r"another encoder.*other-encoder@1.*import the images"):
        run(vault, trained_backend, GenerationRequest(profile_id=profile_id, steps=1))


def test_unknown_model_is_a_model_error():
    with pytest.raises(ModelError, match="'sd15-mine' is not available"):
        load_builtin("sd15-mine")
