"""Image encoders: images to visual tokens ``E`` (DESIGN.md §2, stage 1: "a frozen image encoder").

``Encoder`` is the interface every backend implements (the diffusers backend will wrap a CLIP
vision model); ``StickerEncoder`` is the built-in one, a small CNN trained on the sticker world
and frozen afterwards.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn


@dataclass
class VisualTokens:
    """Encoder output for a batch of B images.

    tokens: ``[B, T, D]`` float, one token per spatial cell.
    pooled: ``[B, D]`` float, a global embedding (used for similarity scores).
    """

    tokens: torch.Tensor
    pooled: torch.Tensor


class Encoder(ABC):
    """Frozen image encoder: float images ``[B, 3, R, R]`` in [0, 1] -> ``VisualTokens``."""

    identity: str  # names the encoder and its weights; features of two encoders never mix
    resolution: int
    num_tokens: int
    token_dim: int

    @abstractmethod
    def encode(self, images: torch.Tensor) -> VisualTokens: ...


class StickerEncoderNet(nn.Module):
    """A CNN: ``[B, 3, R, R]`` -> tokens ``[B, 16, dim]`` (a 4x4 grid) and pooled ``[B, dim]``.

    ``resolution`` R is 32 (drc-mini v1) or 64. At 64 the image enters either reduced to
    32x32 by a 2x2 box filter (drc-mini v2.0-v2.4) or, with ``space_to_depth``, as 32x32
    cells of 2x2 pixels (12 channels: every pixel seen at about the same cost; the judges,
    and the encoder since the "full" design). Two additions of the "full" design
    (docs/method.md, "The encoder's view of fills"):

    - ``cell_statistics``: each token also gets a linear projection of the mean and the
      standard deviation of the colours of its 16x16-pixel cell, read from the input image
      itself, so a token carries its region's colour exactly and a low-contrast pattern (a
      fill in colours near the body's) shows as spread;
    - ``token_mixer``: one pre-norm transformer layer (4 heads, a 4x feed-forward) over the
      16 tokens, so a token can compare its region with the others (a gradient is a colour
      that changes from the top of the body to its bottom).

    Trained with attribute heads, then frozen.
    """

    def __init__(
        self,
        dim: int = 64,
        width: int = 32,
        resolution: int = 64,
        space_to_depth: bool = False,
        cell_statistics: bool = False,
        token_mixer: bool = False,
    ) -> None:
        super().__init__()
        if resolution not in (32, 64):
            raise ValueError(f"resolution must be 32 or 64, got {resolution}")
        self.space_to_depth = space_to_depth and resolution == 64

        def block(cin: int, cout: int, stride: int) -> nn.Sequential:
            return nn.Sequential(
                nn.Conv2d(cin, cout, 3, stride=stride, padding=1),
                nn.GroupNorm(8, cout),
                nn.SiLU(),
            )

        self.reduce = resolution // 32
        self.features = nn.Sequential(
            block(12 if self.space_to_depth else 3, width, 1),  # 32
            block(width, width, 2),  # 16
            block(width, 2 * width, 1),
            block(2 * width, 2 * width, 2),  # 8
            block(2 * width, 2 * width, 1),
            block(2 * width, dim, 2),  # 4
            nn.Conv2d(dim, dim, 1),
        )
        self.position = nn.Parameter(torch.zeros(1, 16, dim))
        self.pool = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, dim))
        self.statistics = nn.Linear(6, dim) if cell_statistics else None
        self.mixer = TokenMixer(dim) if token_mixer else None

    def forward(self, images: torch.Tensor) -> VisualTokens:
        x = images * 2.0 - 1.0
        if self.space_to_depth:
            x = F.pixel_unshuffle(x, 2)
        elif self.reduce > 1:
            x = F.avg_pool2d(x, self.reduce)
        grid = self.features(x)  # [B, D, 4, 4]
        tokens = grid.flatten(2).transpose(1, 2) + self.position  # [B, 16, D]
        if self.statistics is not None:
            tokens = tokens + self.statistics(cell_statistics(images))  # [B, 16, D]
        if self.mixer is not None:
            tokens = self.mixer(tokens)
        return VisualTokens(tokens=tokens, pooled=self.pool(tokens.mean(dim=1)))


def cell_statistics(images: torch.Tensor) -> torch.Tensor:
    """Images ``[B, 3, R, R]`` in [0, 1] -> ``[B, 16, 6]``: per cell of a 4x4 grid (row by
    row, as the tokens), the mean colour and 4x the standard deviation of each channel (a
    spread is at most 0.5; x4 brings it to the range of the means)."""
    cell = images.shape[-1] // 4
    mean = F.avg_pool2d(images, cell)  # [B, 3, 4, 4]
    deviation = images - F.interpolate(mean, scale_factor=cell, mode="nearest")
    spread = F.avg_pool2d(deviation.square(), cell).clamp_min(1e-12).sqrt()
    return torch.cat([mean, 4.0 * spread], dim=1).flatten(2).transpose(1, 2)


class TokenMixer(nn.Module):
    """Pre-norm self-attention + feed-forward over tokens ``[B, T, D]`` (residual)."""

    def __init__(self, dim: int, heads: int = 4) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.feed_forward = nn.Sequential(
            nn.LayerNorm(dim), nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)
        )

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        h = self.norm(tokens)
        tokens = tokens + self.attention(h, h, h, need_weights=False)[0]
        return tokens + self.feed_forward(tokens)


class AttributeHeads(nn.Module):
    """Predict sticker attributes from a pooled embedding (used to train encoder and judges).

    Outputs a dict: ``colors`` [B, 12] in [0, 1] (body, accent, outline, background RGB) and
    logits for ``shape``, ``outline_width``, ``fill``, ``emotion``, ``action``.
    """

    def __init__(self, dim: int, sizes: dict[str, int]) -> None:
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(dim, 128), nn.SiLU())
        self.colors = nn.Linear(128, 12)
        self.choices = nn.ModuleDict({name: nn.Linear(128, n) for name, n in sizes.items()})

    def forward(self, pooled: torch.Tensor) -> dict[str, torch.Tensor]:
        h = self.trunk(pooled)
        out = {"colors": torch.sigmoid(self.colors(h))}
        out.update({name: head(h) for name, head in self.choices.items()})
        return out


class StickerEncoder(Encoder):
    """The built-in encoder: a frozen ``StickerEncoderNet`` in eval mode."""

    def __init__(self, net: StickerEncoderNet, identity: str, resolution: int = 32) -> None:
        self.net = net.eval().requires_grad_(False)
        self.identity = identity
        self.resolution = resolution
        self.num_tokens = net.position.shape[1]
        self.token_dim = net.position.shape[2]

    def to(self, device: torch.device | str) -> StickerEncoder:
        self.net.to(device)
        return self

    @torch.no_grad()
    def encode(self, images: torch.Tensor) -> VisualTokens:
        expected = (3, self.resolution, self.resolution)
        if images.ndim != 4 or tuple(images.shape[1:]) != expected:
            raise ValueError(f"expected images [B, {expected}], got {tuple(images.shape)}")
        return self.net(images)
