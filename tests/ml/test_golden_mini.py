"""Golden values for drc-mini's guided sampling, in the diffusers way: seeded tiny components
built from a config, a 2-step sample, a slice of the output compared with stored numbers
(CPU). The determinism tests compare a run with itself; this one fails when the numbers
themselves move: a changed guidance formula, condition order, null parts, scheduler, noise
draw or decoding (tests/ml/sd/test_golden.py does the same for Stable Diffusion)."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.builtin.drc_mini import (
    ENCODER_DESIGNS,
    MiniConfig,
    MiniModel,
    build_disentangler,
    build_encoder_net,
    build_generator,
    build_space,
)
from drc_desktop.ml.builtin.encoder import StickerEncoder, StickerEncoderNet

HISTORY, STEPS = 3, 2
# red channel of rows 30-33, columns 30-33 of the 64 x 64 output and the mean of all values,
# at the default strengths and at unequal ones (a swapped style and semantic weight shows)
EXPECTED = {
    (1.0, 1.0): (
        [
            [0.659808, 0.460681, 0.568556, 0.383455],
            [0.626586, 0.509942, 0.617151, 0.473258],
            [0.671931, 0.752352, 0.595463, 0.676070],
            [0.641760, 0.424051, 0.637519, 0.511955],
        ],
        0.482416,
    ),
    (1.5, 0.5): (
        [
            [0.621878, 0.522898, 0.566121, 0.333500],
            [0.611329, 0.488389, 0.645322, 0.418027],
            [0.609094, 0.787988, 0.567241, 0.652530],
            [0.587097, 0.450243, 0.651140, 0.525276],
        ],
        0.482119,
    ),
}
# Every size and weight spelled out (TINY_CONFIG's values), so a new default in MiniConfig
# does not move these numbers; a change of the sampling itself does.
GOLDEN_CONFIG = MiniConfig(
    resolution=64, patch_size=4, latent_channels=4, token_dim=16, num_tokens=16, part_dim=16,
    instruction_tokens=8, pooled_dim=16, unet_channels=(8, 16, 16), attention_levels=2,
    style_guidance=2.0, semantic_guidance=2.0, encoder_design="reduced",
)  # fmt: skip


@pytest.fixture(scope="module")
def tiny_model() -> MiniModel:
    """drc-mini's components from ``GOLDEN_CONFIG`` with weights drawn from seed 0."""
    torch.manual_seed(0)
    config = GOLDEN_CONFIG
    encoder = StickerEncoder(build_encoder_net(config), "golden@0", config.resolution)
    disentangler = build_disentangler(config).eval()
    unet, conditioner = build_generator(config, "drc", disentangler)
    space = build_space(config).eval()
    generators = {"drc": (unet.eval(), conditioner.eval())}
    return MiniModel(config, encoder, generators, disentangler, space)


@torch.no_grad()
def sample(model: MiniModel, style_strength: float = 1.0, semantic_strength: float = 1.0):
    tokens = torch.Generator().manual_seed(1)
    shape = (GOLDEN_CONFIG.num_tokens, GOLDEN_CONFIG.token_dim)
    history = torch.randn(1, HISTORY, *shape, generator=tokens)
    reference, partner = (torch.randn(1, *shape, generator=tokens) for _ in range(2))
    style_weight, semantic_weight = model.guidance_weights(style_strength, semantic_strength)
    inputs = model.guidance_inputs("drc", history, reference, partner, style_weight > 0)
    unet, _ = model.generators["drc"]
    noise = torch.Generator().manual_seed(0)
    *_, (_, images) = model.sample_from_inputs(
        unet, inputs, style_weight, semantic_weight, STEPS, noise
    )
    return images


@pytest.mark.parametrize("strengths", list(EXPECTED))
def test_two_step_guided_sample_matches_the_stored_slice(tiny_model, strengths):
    images = sample(tiny_model, *strengths)
    expected_slice, expected_mean = EXPECTED[strengths]
    assert images.shape == (1, 3, 64, 64)
    torch.testing.assert_close(
        images[0, 0, 30:34, 30:34], torch.tensor(expected_slice), atol=1e-4, rtol=0
    )
    assert images.mean().item() == pytest.approx(expected_mean, abs=1e-5)


# Tokens of the "full" encoder design (seed-0 weights, dim 16) for two seeded random images:
# image 0's first channel at tokens 0-3, image 1's fourth channel at tokens 12-15, and the
# means of all tokens and of the pooled vectors. They move when the pixel cells, the cell
# statistics or the token mixer change.
FULL_ENCODER_EXPECTED = (
    [0.205187, -0.041645, 0.43104, 0.478883],
    [0.833329, 0.017726, 0.312677, 0.725908],
    0.181424,
    0.143662,
)


def test_the_full_encoder_design_gives_the_stored_tokens():
    torch.manual_seed(0)
    net = StickerEncoderNet(dim=16, **ENCODER_DESIGNS["full"]).eval()
    images = torch.rand(2, 3, 64, 64, generator=torch.Generator().manual_seed(1))
    with torch.no_grad():
        out = net(images)
    first, last, token_mean, pooled_mean = FULL_ENCODER_EXPECTED
    assert out.tokens[0, :4, 0].tolist() == pytest.approx(first, abs=1e-5)
    assert out.tokens[1, 12:, 3].tolist() == pytest.approx(last, abs=1e-5)
    assert out.tokens.mean().item() == pytest.approx(token_mean, abs=1e-5)
    assert out.pooled.mean().item() == pytest.approx(pooled_mean, abs=1e-5)
