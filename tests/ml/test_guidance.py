"""The one guidance formula: each weight moves the result along its own direction only."""

from __future__ import annotations

import torch

from drc_desktop.ml.drc.guidance import compose_guidance


def parts() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return tuple(torch.randn(2, 3, generator=generator) for _ in range(3))


def test_zero_weights_give_the_unconditional_and_unit_weights_the_full_condition():
    none, style, full = parts()
    torch.testing.assert_close(compose_guidance(none, style, full, 0.0, 0.0), none)
    torch.testing.assert_close(compose_guidance(none, style, full, 1.0, 1.0), full)
    torch.testing.assert_close(compose_guidance(none, style, full, 1.0, 0.0), style)


def test_semantic_weight_acts_along_the_semantic_direction_only():
    none, style, full = parts()
    low = compose_guidance(none, style, full, 2.0, 0.5)
    high = compose_guidance(none, style, full, 2.0, 1.5)
    torch.testing.assert_close(high - low, full - style)
