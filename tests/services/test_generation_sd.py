"""Generation for a Stable Diffusion profile through services/ (tiny SD 1.5): per-step
progress, the resolved request, and the same pixels made again (issue 11 §2-3)."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from drc_desktop.core.errors import ModelError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.services.adapters import train_for_profile
from drc_desktop.services.generation import generate_for_profile, regenerate
from drc_desktop.services.models import load_generator, register
from drc_desktop.store.vault import Vault


def images(count: int, seed: int = 0) -> list[Image.Image]:
    rng = np.random.default_rng(seed)
    return [
        Image.fromarray(rng.integers(0, 255, (40, 48, 3), dtype=np.uint8)) for _ in range(count)
    ]


@pytest.fixture(scope="module")
def sd_profile(tiny_sd_models, tmp_path_factory):
    """A vault with tiny SD 1.5 registered, profile Bob holding 3 history items, the backend."""
    with Vault.create(tmp_path_factory.mktemp("sd-vault") / "home", "sd generation") as vault:
        for name in ("encoder", "ip-sd15", "sd15"):
            register(vault, tiny_sd_models[name], name=name)
        profile = vault.profiles.create("Bob", "sd15")
        backend = load_generator(vault, "sd15", "cpu")
        for i, vectors in enumerate(backend.describe(images(3))):
            vault.history.add(profile.id, vectors, vault.fingerprint(b"%d" % i))
        yield vault, profile.id, backend
        backend.close()


def run(vault, backend, request):
    progress = list(generate_for_profile(vault, backend, request, images(1, seed=9)[0]))
    return progress, progress[-1][2]


def pixels(vault, output_id):
    return np.asarray(Image.open(io.BytesIO(vault.outputs.get(output_id).png)))


def test_every_step_is_reported_and_the_request_resolved(sd_profile):
    vault, profile_id, backend = sd_profile
    request = GenerationRequest(profile_id=profile_id, model="sd15", method="auto", n=2,
                                steps=3, size=64, seed=4)  # fmt: skip
    progress, ids = run(vault, backend, request)
    assert [(step, total) for step, total, _ in progress] == [(1, 3), (2, 3), (3, 3), (3, 3)]
    stored = vault.outputs.get(ids[0]).request
    assert stored.not_recorded() == ()
    assert (stored.method, stored.guidance_scale, stored.steps, stored.size) == (
        "training-free", 7.5, 3, 64,
    )  # fmt: skip
    assert stored.scheduler == type(backend.pipe.scheduler).__name__
    assert stored.weights["sd15:unet/diffusion_pytorch_model.safetensors"]
    assert {name.split(":")[0] for name in stored.weights} == {"sd15", "ip-sd15", "encoder"}


def test_sd_output_is_made_again_with_the_same_pixels(sd_profile):
    vault, profile_id, backend = sd_profile
    request = GenerationRequest(profile_id=profile_id, model="sd15", method="training-free", n=2,
                                steps=2, size=64, seed=11, prompt="a cat")  # fmt: skip
    _, ids = run(vault, backend, request)
    (again,) = list(regenerate(vault, backend, ids[1]))[-1][2]
    np.testing.assert_array_equal(pixels(vault, again), pixels(vault, ids[1]))


def test_a_retrained_profile_adapter_is_named_as_changed(sd_profile):
    vault, profile_id, backend = sd_profile
    train_for_profile(vault, "Bob", device="cpu", steps=2, seed=0)
    request = GenerationRequest(profile_id=profile_id, model="sd15", method="auto", n=1,
                                steps=2, size=64)  # fmt: skip
    _, (output_id,) = run(vault, backend, request)
    assert vault.outputs.get(output_id).request.method == "drc"
    (again,) = list(regenerate(vault, backend, output_id))[-1][2]
    np.testing.assert_array_equal(pixels(vault, again), pixels(vault, output_id))
    train_for_profile(vault, "Bob", device="cpu", steps=2, seed=1)
    with pytest.raises(ModelError, match="profile-adapter changed"):
        list(regenerate(vault, backend, output_id))
