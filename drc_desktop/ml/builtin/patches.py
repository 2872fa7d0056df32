"""Space-to-depth: a 64x64 sticker as a 16x16 grid of 4x4 pixel patches (48 channels a cell).

The weightless alternative to the sticker autoencoder (``autoencoder.py``, ``PatchSpace``):
exact, so a clean render survives the round trip bit for bit, but the UNet must then draw
48 independent values per cell; the first drc-mini v2 run, trained on it, stayed noisy
(docs/method.md, "Generator"). Patch size 1 is drc-mini v1's pixel space.

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
