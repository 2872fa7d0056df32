"""Compositional guidance over three conditions: no part, style only, style + semantics.

One formula for both places it is used (issue 11 §4): drc-mini combines UNet predictions
with it (``generator.guided_prediction``, weights ``G_style·s_style`` and ``G_sem·s_sem``),
and a Stable Diffusion profile's learned composition combines IP-Adapter inputs with it
(``ProfileAdapter.embed``, weights = the two strengths):

    x = x(∅,∅) + w_style·(x(s,∅) − x(∅,∅)) + w_sem·(x(s,m) − x(s,∅))
"""

from __future__ import annotations

import torch


def compose_guidance(
    unconditional: torch.Tensor,
    style_only: torch.Tensor,
    full: torch.Tensor,
    style_weight: float,
    semantic_weight: float,
) -> torch.Tensor:
    """The guided combination of three same-shaped tensors (any shape)."""
    return (
        unconditional
        + style_weight * (style_only - unconditional)
        + semantic_weight * (full - style_only)
    )
