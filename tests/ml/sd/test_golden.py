"""Golden values for the Stable Diffusion path, in the diffusers way: seeded tiny components,
a 2-step sample, a slice of the output compared with stored numbers (CPU). The determinism
tests compare a run with itself; this one fails when the numbers themselves move (a changed
routing, embedding layout, scheduler or seed handling)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from drc_desktop.core.requests import GenerationRequest
from drc_desktop.ml.backend import final_images
from drc_desktop.ml.sd.pipeline import SdBackend
from drc_desktop.services.models import register
from drc_desktop.store.vault import Vault

# red channel of rows 28-31, columns 28-31 of the 64 x 64 output, and the mean of all pixels
EXPECTED_SLICE = [
    [169, 159, 171, 117],
    [128, 140, 153, 109],
    [212, 167, 120, 189],
    [198, 207, 142, 179],
]
EXPECTED_MEAN = 133.007


@pytest.fixture(scope="module")
def sd15(tiny_sd_models, tmp_path_factory) -> SdBackend:
    with Vault.create(tmp_path_factory.mktemp("golden") / "home", "golden values") as vault:
        for name in ("encoder", "ip-sd15", "sd15"):
            model = register(vault, tiny_sd_models[name], name=name)
        return SdBackend.load(vault.models, model)


def test_two_step_sample_matches_the_stored_slice(sd15):
    generator = torch.Generator().manual_seed(0)
    width = sd15.pipe.unet.encoder_hid_proj.image_projection_layers[0].image_embeds.in_features
    style, layout = (torch.randn(1, width, generator=generator) for _ in range(2))
    embeds = [torch.stack([torch.zeros_like(e), e])[:, None] for e in (style, layout)]
    request = GenerationRequest(profile_id=1, method="training-free", n=1, steps=2, size=64,
                                seed=0, prompt="a cat")  # fmt: skip
    (image,) = final_images(sd15.generate_from_embeddings(embeds, request))
    pixels = np.asarray(image).astype(np.float64)
    np.testing.assert_allclose(pixels[28:32, 28:32, 0], EXPECTED_SLICE, atol=2)
    assert pixels.mean() == pytest.approx(EXPECTED_MEAN, abs=0.5)
