"""Specification of semantic-preserving augmentation (DESIGN.md §2, stage 2): variants change
a sticker's colours but keep its structure (face, props, their positions)."""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.sticker_data import images_to_tensor
from drc_desktop.ml.drc.augment import augment_semantics_preserving

COUNT = 16


@pytest.fixture(scope="module")
def rendered() -> torch.Tensor:
    """``COUNT`` random stickers (random style and semantics) as ``[N, 3, 64, 64]``."""
    rng = random.Random(3)
    images = [
        stickers.render(stickers.sample_style(rng), stickers.sample_semantics(rng), seed=k)
        for k in range(COUNT)
    ]
    return images_to_tensor(images)


def edge_map(images: torch.Tensor) -> torch.Tensor:
    """Grey-level gradient magnitude at 32x32 (the scale the encoder reads), slightly blurred
    to tolerate the geometric jitter."""
    grey = F.avg_pool2d(images, images.shape[-1] // 32).mean(dim=1, keepdim=True)
    dx = (grey[..., :, 1:] - grey[..., :, :-1])[..., :-1, :]
    dy = (grey[..., 1:, :] - grey[..., :-1, :])[..., :, :-1]
    edges = dx.abs() + dy.abs()
    return F.avg_pool2d(edges, 3, stride=1, padding=1).flatten(1)


def correlation(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    a, b = a - a.mean(dim=1, keepdim=True), b - b.mean(dim=1, keepdim=True)
    return (a * b).sum(dim=1) / (a.norm(dim=1) * b.norm(dim=1))


def variants(images: torch.Tensor, seed: int) -> torch.Tensor:
    return augment_semantics_preserving(images, torch.Generator().manual_seed(seed))


def test_variants_keep_the_shape_and_the_value_range(rendered):
    out = variants(rendered, seed=0)
    assert out.shape == rendered.shape
    assert out.dtype == rendered.dtype
    assert out.min() >= 0.0
    assert out.max() <= 1.0


def test_variants_are_deterministic_for_a_seeded_generator(rendered):
    assert torch.equal(variants(rendered, seed=5), variants(rendered, seed=5))


def test_different_seeds_give_different_variants(rendered):
    assert (variants(rendered, seed=1) - variants(rendered, seed=2)).abs().mean() > 0.05


def test_each_image_of_a_batch_gets_its_own_variant(rendered):
    same_image = rendered[:1].expand(8, -1, -1, -1)
    out = variants(same_image, seed=0)
    assert (out[0] - out[1:]).abs().mean(dim=(1, 2, 3)).min() > 0.01


def test_variants_change_the_colours(rendered):
    for seed in range(3):
        change = (variants(rendered, seed) - rendered).abs().mean(dim=(1, 2, 3))
        assert change.mean() > 0.1
        assert (change > 0.03).float().mean() >= 0.9


def test_variants_keep_the_structure_of_their_own_sticker(rendered):
    """A variant's edges match its original's much better than another sticker's edges."""
    original = edge_map(rendered)
    for seed in range(3):
        varied = edge_map(variants(rendered, seed))
        own = correlation(original, varied)
        other = correlation(original, varied.roll(1, dims=0))
        assert own.mean() > 0.55
        assert own.mean() > other.mean() + 0.15
        assert (own > other).float().mean() >= 0.75
