"""The generator's working space: 64x64 stickers as a 16x16 grid of 4x4 pixel patches.

drc-mini v2 draws at the sticker's own 64x64 (v1 drew 32x32 and upscaled). A UNet on 64x64
pixels costs 7.7x v1's training step on this CPU; one on a 16x16 grid costs v1's
(docs/method.md, "Generator", has the measurements). The grid is *space-to-depth*: each 4x4
patch of RGB pixels becomes 48 channels of one cell. It is exact and has no weights, so
nothing has to be trained for it and a clean render survives the round trip bit for bit
(``drc eval`` grades renders and outputs through the same path); a learned autoencoder would
cost another training stage and a reconstruction error.

Shapes: ``to_patches`` ``[B, 3, 64, 64]`` floats in [0, 1] -> ``[B, 48, 16, 16]`` in [-1, 1]
(the diffusion's data range); ``from_patches`` the inverse, clamped to [0, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

PATCH = 4


def to_patches(images: torch.Tensor, patch: int = PATCH) -> torch.Tensor:
    """Images ``[B, 3, H, W]`` in [0, 1] -> patches ``[B, 3p², H/p, W/p]`` in [-1, 1]
    (``patch`` p = 1: the pixels themselves, drc-mini v1's space)."""
    return F.pixel_unshuffle(images * 2.0 - 1.0, patch)


def from_patches(patches: torch.Tensor, patch: int = PATCH) -> torch.Tensor:
    """Patches ``[B, 3p², h, w]`` -> images ``[B, 3, ph, pw]`` in [0, 1]."""
    return ((F.pixel_shuffle(patches, patch) + 1.0) / 2.0).clamp(0.0, 1.0)
