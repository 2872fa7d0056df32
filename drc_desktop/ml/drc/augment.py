"""Semantic-preserving augmentation (DRC §3.3; DESIGN.md §2, stage 2).

A reference image is replaced by random variants that change its *style* but keep its
*semantics*, so the generator cannot take style from the reference. At inference drc-mini reads
the reference as its ``reference_view`` says (the variants hide small expressions from its
encoder, docs/method.md, "The reference at inference"); a Stable Diffusion profile's learned
composition reads two variants, as it was trained.

The variants (all on float images ``[B, 3, H, W]`` in [0, 1], per-sample random):

- palette shift: hue rotation about the grey axis, random channel order, saturation and
  brightness change, and sometimes colour inversion;
- outline and texture change: blur or sharpening (softens or hardens outlines) and a faint
  random stripe texture;
- small geometric jitter: translation up to ``max_shift`` of the width, scale 0.92-1.08.

Facial features, props and their positions survive all of these, so the semantics do.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def _hue_rotation(angles: torch.Tensor) -> torch.Tensor:
    """Rotation matrices ``[B, 3, 3]`` about the grey axis (1, 1, 1)/sqrt(3)."""
    cos, sin = torch.cos(angles), torch.sin(angles)
    k = 1.0 / 3.0
    s3 = math.sqrt(k)
    rows = [
        [cos + (1 - cos) * k, k * (1 - cos) - s3 * sin, k * (1 - cos) + s3 * sin],
        [k * (1 - cos) + s3 * sin, cos + k * (1 - cos), k * (1 - cos) - s3 * sin],
        [k * (1 - cos) - s3 * sin, k * (1 - cos) + s3 * sin, cos + k * (1 - cos)],
    ]
    return torch.stack([torch.stack(r, dim=-1) for r in rows], dim=-2)


def augment_semantics_preserving(
    images: torch.Tensor, generator: torch.Generator | None = None, max_shift: float = 0.06
) -> torch.Tensor:
    """Return one random semantic-preserving variant of each image (same shape, in [0, 1])."""
    b, _, h, w = images.shape
    dev = images.device

    def rand(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=generator, device="cpu").to(dev)

    # Palette shift.
    x = images
    angles = rand(b) * 2 * math.pi
    x = torch.einsum("bij,bjhw->bihw", _hue_rotation(angles).to(x.dtype), x)
    order = torch.argsort(rand(b, 3), dim=1)
    permute = rand(b) < 0.5
    x = torch.where(
        permute[:, None, None, None], x.gather(1, order[:, :, None, None].expand(-1, -1, h, w)), x
    )
    grey = x.mean(dim=1, keepdim=True)
    saturation = (0.6 + 0.8 * rand(b))[:, None, None, None]
    x = grey + (x - grey) * saturation
    x = x + (rand(b) - 0.5)[:, None, None, None] * 0.2
    invert = rand(b) < 0.15
    x = torch.where(invert[:, None, None, None], 1.0 - x, x).clamp(0.0, 1.0)

    # Outline and texture change.
    blurred = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
    mode = rand(b)
    x = torch.where((mode < 0.25)[:, None, None, None], blurred, x)
    sharpened = (x + 0.7 * (x - blurred)).clamp(0.0, 1.0)
    x = torch.where((mode > 0.8)[:, None, None, None], sharpened, x)
    yy, xx = torch.meshgrid(
        torch.linspace(0, 1, h, device=dev), torch.linspace(0, 1, w, device=dev), indexing="ij"
    )
    theta = rand(b) * math.pi
    freq = 6 + 10 * rand(b)
    phase = xx[None] * torch.cos(theta)[:, None, None] + yy[None] * torch.sin(theta)[:, None, None]
    texture = torch.sin(2 * math.pi * freq[:, None, None] * phase)
    amplitude = (rand(b) < 0.5).float() * (0.03 + 0.07 * rand(b))
    x = (x + amplitude[:, None, None, None] * texture[:, None]).clamp(0.0, 1.0)

    # Geometric jitter.
    scale = 0.92 + 0.16 * rand(b)
    shift = (rand(b, 2) - 0.5) * 2 * max_shift * 2  # grid coordinates span 2
    affine = torch.zeros(b, 2, 3, device=dev, dtype=x.dtype)
    affine[:, 0, 0] = 1 / scale
    affine[:, 1, 1] = 1 / scale
    affine[:, :, 2] = shift
    grid = F.affine_grid(affine, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)
