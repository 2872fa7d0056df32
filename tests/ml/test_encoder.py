"""Specification of the image encoder: visual tokens ``E`` from a frozen network."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.builtin.encoder import StickerEncoder, StickerEncoderNet

DIM = 16


@pytest.fixture(scope="module")
def encoder() -> StickerEncoder:
    torch.manual_seed(0)
    return StickerEncoder(StickerEncoderNet(dim=DIM), identity="test-encoder", resolution=64)


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
