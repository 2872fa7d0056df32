"""The learned DRC composition for Stable Diffusion profiles, on synthetic stored features."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from drc_desktop.core.errors import InputError
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.sd.profile_adapter import (
    AdapterConfig,
    ProfileAdapter,
    config_dict,
    train_profile_adapter,
)

TOKENS, WIDTH, EMBEDDING = 17, 32, 24


def items(count: int, seed: int = 0) -> list[ImageVectors]:
    """A profile: one shared style direction plus per-image semantics, and two variants each."""
    rng = np.random.default_rng(seed)
    style = rng.standard_normal((1, WIDTH))
    projection = np.random.default_rng(99).standard_normal((WIDTH, EMBEDDING)) / WIDTH**0.5
    result = []
    for _ in range(count):
        semantics = rng.standard_normal((TOKENS, WIDTH)) * 0.5
        features = style + semantics
        variants = np.stack([style * 0.9 + semantics, style * 1.1 + semantics])
        embedding = features.mean(0, keepdims=True) @ projection  # what CLIP's projection does
        result.append(ImageVectors("enc@1", features, embedding, embedding, variants))
    return result


@pytest.mark.parametrize(("target", "dim"), [("embedding", EMBEDDING), ("hidden", WIDTH)])
def test_training_reduces_the_reconstruction_loss(target, dim):
    config = AdapterConfig(token_dim=WIDTH, num_tokens=TOKENS, target=target, target_dim=dim,
                           part_dim=32, pooled_dim=32, steps=60, batch=8)  # fmt: skip
    _, report = train_profile_adapter(items(6), config)
    assert report["final_loss"] < 0.5 * report["first_loss"]
    assert report["items"] == 6 and report["steps"] == 60


def test_weights_round_trip_and_strengths_act_in_embedding_space():
    config = AdapterConfig(
        token_dim=WIDTH, num_tokens=TOKENS, target="embedding", target_dim=EMBEDDING,
        part_dim=32, pooled_dim=32, steps=5, batch=4,
    )  # fmt: skip
    adapter, _ = train_profile_adapter(items(4), config)
    copy = ProfileAdapter.from_bytes(config_dict(config), adapter.to_bytes())
    history = torch.from_numpy(np.stack([i.features for i in items(4, seed=1)]))
    variants = torch.from_numpy(items(1, seed=2)[0].variants)
    full = adapter.embed(history, variants)
    torch.testing.assert_close(copy.embed(history, variants), full)
    assert full.shape == (EMBEDDING,)
    nothing = adapter.embed(history, variants, 0.0, 0.0)
    torch.testing.assert_close(nothing, adapter.compose(None, None, 1)[0])
    assert not torch.allclose(adapter.embed(history, variants, 1.0, 2.0), full)
    assert not torch.allclose(adapter.embed(history, variants, 0.0, 1.0), full)


def test_too_few_items_or_missing_variants_are_clear_errors():
    config = AdapterConfig(token_dim=WIDTH, num_tokens=TOKENS, target="embedding",
                           target_dim=EMBEDDING, steps=1)  # fmt: skip
    with pytest.raises(InputError, match="at least 2 history images"):
        train_profile_adapter(items(1), config)
    bare = [ImageVectors(i.encoder, i.features, i.style, i.semantics) for i in items(3)]
    with pytest.raises(InputError, match="no stored variants"):
        train_profile_adapter(bare, config)
