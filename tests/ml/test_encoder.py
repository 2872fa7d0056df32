"""Specification of the image encoder: visual tokens ``E`` from a frozen network."""

from __future__ import annotations

import json

import pytest
import torch

from drc_desktop.core.errors import ModelError
from drc_desktop.ml.builtin.drc_mini import (
    ENCODER_DESIGNS,
    MiniConfig,
    build_encoder_net,
)
from drc_desktop.ml.builtin.encoder import (
    StickerEncoder,
    StickerEncoderNet,
    TokenMixer,
    cell_statistics,
)

DIM = 16


@pytest.fixture(scope="module", params=sorted(ENCODER_DESIGNS))
def encoder(request) -> StickerEncoder:
    torch.manual_seed(0)
    net = StickerEncoderNet(dim=DIM, **ENCODER_DESIGNS[request.param])
    return StickerEncoder(net, identity="test-encoder", resolution=64)


def test_tokens_are_a_4x4_grid_and_pooled_is_one_vector_per_image(encoder):
    out = encoder.encode(torch.rand(3, 3, 64, 64))
    assert out.tokens.shape == (3, 16, DIM)
    assert out.pooled.shape == (3, DIM)
    assert encoder.num_tokens == 16
    assert encoder.token_dim == DIM


def test_different_images_give_different_tokens(encoder):
    out = encoder.encode(torch.stack([torch.zeros(3, 64, 64), torch.ones(3, 64, 64)]))
    assert not torch.allclose(out.tokens[0], out.tokens[1])


@pytest.mark.parametrize(
    "shape",
    [(3, 64, 64), (2, 1, 64, 64), (2, 3, 16, 16), (2, 3, 64, 63), (2, 4, 64, 64)],
    ids=["no-batch", "grey", "small", "non-square", "rgba"],
)
def test_encode_rejects_images_of_the_wrong_shape(encoder, shape):
    with pytest.raises(ValueError, match="expected images"):
        encoder.encode(torch.rand(*shape))


def test_encoder_is_frozen(encoder):
    assert not encoder.net.training
    assert all(not p.requires_grad for p in encoder.net.parameters())
    images = torch.rand(2, 3, 64, 64, requires_grad=True)
    out = encoder.encode(images)
    assert not out.tokens.requires_grad
    assert not out.pooled.requires_grad


def test_encoding_is_deterministic(encoder):
    images = torch.rand(2, 3, 64, 64)
    assert torch.equal(encoder.encode(images).tokens, encoder.encode(images).tokens)


def _parameter_names(design: str) -> set[str]:
    return set(build_encoder_net(MiniConfig(encoder_design=design)).state_dict())


def test_the_full_design_reads_every_pixel_cell_statistics_and_mixes_tokens():
    reduced, full = _parameter_names("reduced"), _parameter_names("full")
    assert not any(name.startswith(("statistics.", "mixer.")) for name in reduced)
    assert {"statistics.weight", "mixer.attention.in_proj_weight"} <= full
    net = build_encoder_net(MiniConfig(encoder_design="full"))
    assert net.features[0][0].in_channels == 12  # 2x2 pixels per input cell


def test_cell_statistics_give_each_cell_its_mean_colour_and_spread():
    """A faint pattern (stripes 0.03 around the body's colour) shows as spread, in its own
    cell, with the cell's mean colour unchanged."""
    images = torch.full((1, 3, 64, 64), 0.5)
    images[0, 0, 16:32, 48:64] = 0.9  # row 1, column 3: red raised
    images[0, :, 48:64:2, :16] += 0.03  # row 3, column 0: faint stripes
    images[0, :, 49:64:2, :16] -= 0.03
    stats = cell_statistics(images)
    assert stats.shape == (1, 16, 6)
    expected = torch.tensor([0.5, 0.5, 0.5, 0.0, 0.0, 0.0]).repeat(16, 1)
    expected[1 * 4 + 3, 0] = 0.9
    expected[3 * 4 + 0, 3:] = 4 * 0.03
    assert torch.allclose(stats[0], expected, atol=1e-5)


def test_the_token_mixer_lets_every_token_read_the_others():
    """A change of one token's input reaches every output token (a per-token layer would
    leave the others as they were)."""
    torch.manual_seed(0)
    mixer = TokenMixer(DIM).eval()
    tokens = torch.randn(1, 16, DIM)
    changed = tokens.clone()
    changed[0, 0] += torch.randn(DIM)
    with torch.no_grad():
        difference = (mixer(changed) - mixer(tokens))[0, 1:].abs().amax(-1)
    assert (difference > 1e-4).all()


def test_an_unknown_encoder_design_is_refused_naming_the_field(tmp_path):
    with pytest.raises(ValueError, match="encoder_design"):
        MiniConfig(encoder_design="huge")
    config = MiniConfig().to_json().replace('"reduced"', '"huge"')
    (tmp_path / "config.json").write_text(config)
    with pytest.raises(ModelError, match="encoder_design"):
        MiniConfig.from_file(tmp_path / "config.json")


def test_a_folder_from_before_the_field_reads_the_reduced_design(tmp_path):
    data = json.loads(MiniConfig().to_json())
    del data["encoder_design"]
    (tmp_path / "config.json").write_text(json.dumps(data))
    assert MiniConfig.from_file(tmp_path / "config.json").encoder_design == "reduced"
