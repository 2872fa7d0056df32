"""The generator's working space: where drc-mini's UNet draws a 64x64 sticker.

Two spaces share one small interface (``encode`` images -> cells, ``decode`` cells -> images):

- ``StickerAutoencoder`` (drc-mini v2): a convolutional autoencoder the project trains on the
  sticker world (``training/autoencoder.py``) maps a 64x64 RGB sticker to a 16x16x4 latent
  and back, as Stable Diffusion's VAE does at its scale (Rombach et al. 2022). The UNet works
  on 4 channels instead of 48, and the decoder, not the UNet's last layer, draws the pixels of
  each 4x4 cell: flat fills, hard outlines, the face. docs/method.md, "Generator", gives the
  measurements that chose it over the patch grid.
- ``PatchSpace``: space-to-depth, each 4x4 pixel patch as 48 channels of one cell
  (``ml/builtin/patches.py``); exact and weightless. The first v2 run used it; its samples stayed
  noisy (docs/method.md). ``patch_size`` 1 is v1's pixel space.

Shapes: ``encode`` ``[B, 3, 64, 64]`` floats in [0, 1] -> ``[B, C, 16, 16]`` with unit
variance per channel over the sticker world (the diffusion's data range); ``decode`` the
inverse, clamped to [0, 1].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from drc_desktop.ml.builtin.patches import from_patches, to_patches

LATENT_CHANNELS = 4


class PatchSpace:
    """Space-to-depth cells of ``patch`` x ``patch`` pixels (no weights)."""

    def __init__(self, patch: int) -> None:
        self.patch = patch

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        return to_patches(images, self.patch)

    def decode(self, cells: torch.Tensor) -> torch.Tensor:
        return from_patches(cells, self.patch)

    def to(self, device: torch.device | str) -> PatchSpace:
        return self

    def eval(self) -> PatchSpace:
        return self


class _ResBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.GroupNorm(8, channels),
            nn.SiLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
            nn.GroupNorm(8, channels),
            nn.SiLU(),
            nn.Conv2d(channels, channels, 3, padding=1),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.body(x)


class StickerAutoencoder(nn.Module):
    """64x64 stickers <-> ``[C, 16, 16]`` latents (C = ``latent_channels``).

    No layer runs at 64x64: the encoder starts from 2x2 space-to-depth cells (12 channels at
    32x32) and the decoder ends with a sub-pixel convolution (12 channels at 32x32 put back as
    2x2 pixels), which keeps a training step under half a second on one CPU core.
    ``scale`` (a buffer, set once after training from the latents' spread) makes the
    latents unit-variance for the diffusion schedule, as SD's ``scaling_factor``.
    """

    def __init__(self, latent_channels: int = LATENT_CHANNELS, width: tuple[int, int] = (48, 96)):
        super().__init__()
        wide, deep = width
        self.encoder = nn.Sequential(
            nn.Conv2d(12, wide, 3, padding=1),  # 32x32
            _ResBlock(wide),
            nn.Conv2d(wide, deep, 3, stride=2, padding=1),  # 16x16
            _ResBlock(deep),
            _ResBlock(deep),
            nn.GroupNorm(8, deep),
            nn.SiLU(),
            nn.Conv2d(deep, latent_channels, 1),
        )
        self.decoder = nn.Sequential(
            nn.Conv2d(latent_channels, deep, 3, padding=1),  # 16x16
            _ResBlock(deep),
            _ResBlock(deep),
            nn.Upsample(scale_factor=2, mode="nearest"),
            nn.Conv2d(deep, wide, 3, padding=1),  # 32x32
            _ResBlock(wide),
            _ResBlock(wide),
            nn.GroupNorm(8, wide),
            nn.SiLU(),
            nn.Conv2d(wide, 12, 3, padding=1),
        )
        self.register_buffer("scale", torch.ones(()))

    def encode_raw(self, images: torch.Tensor) -> torch.Tensor:
        """Images ``[B, 3, 64, 64]`` in [0, 1] -> unscaled latents ``[B, C, 16, 16]``."""
        return self.encoder(F.pixel_unshuffle(images * 2.0 - 1.0, 2))

    def decode_raw(self, latents: torch.Tensor) -> torch.Tensor:
        """Unscaled latents -> images ``[B, 3, 64, 64]`` in about [-1, 1] (not clamped; the
        training loss sees them so)."""
        return F.pixel_shuffle(self.decoder(latents), 2)

    def encode(self, images: torch.Tensor) -> torch.Tensor:
        """Images ``[B, 3, 64, 64]`` in [0, 1] -> scaled latents ``[B, C, 16, 16]``."""
        return self.encode_raw(images) * self.scale

    def decode(self, latents: torch.Tensor) -> torch.Tensor:
        """Scaled latents ``[B, C, 16, 16]`` -> images ``[B, 3, 64, 64]`` in [0, 1]."""
        return ((self.decode_raw(latents / self.scale) + 1.0) / 2.0).clamp(0.0, 1.0)
