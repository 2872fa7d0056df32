"""Composition of a style part and a semantic part into a latent instruction (DESIGN.md §2).

``FusionNetwork`` is the paper's fusion network: it reads the style part and the semantic part
(each tagged with a learned type embedding) and writes a compact *latent instruction*: K tokens
for the generator's cross-attention plus one pooled vector for its global (time-embedding)
condition. Either part may be absent (``None``): a learned *null part* stands in, which is how
the generator learns to ignore style or semantics and how the two guidance strengths work
(compositional classifier-free guidance, docs/method.md).

``InstructionDecoder`` maps an instruction back to encoder tokens; it exists only for stage 1's
reconstruction-driven training (the swapped composition must reconstruct the anchor).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass
class LatentInstruction:
    """What the generator follows.

    tokens: ``[B, K, d]`` cross-attention context.
    pooled: ``[B, P]`` global condition (added to the UNet's time embedding).
    """

    tokens: torch.Tensor
    pooled: torch.Tensor

    @staticmethod
    def cat(items: list[LatentInstruction]) -> LatentInstruction:
        return LatentInstruction(
            torch.cat([i.tokens for i in items]), torch.cat([i.pooled for i in items])
        )


class _AttentionBlock(nn.Module):
    """Pre-norm cross-attention + feed-forward, queries ``[B, K, d]`` over context ``[B, T, d]``."""

    def __init__(self, dim: int, heads: int = 4) -> None:
        super().__init__()
        self.norm_q = nn.LayerNorm(dim)
        self.norm_kv = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm_ff = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(
            nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)
        )

    def forward(self, queries: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        kv = self.norm_kv(context)
        attended, _ = self.attention(self.norm_q(queries), kv, kv, need_weights=False)
        x = queries + attended
        return x + self.feed_forward(self.norm_ff(x))


class FusionNetwork(nn.Module):
    """Style part ``[B, T, d]`` + semantic part ``[B, T, d]`` -> ``LatentInstruction``.

    Args:
        dim: d, width of the parts and of the instruction tokens.
        num_part_tokens: T, tokens per part (for the learned null parts).
        num_tokens: K, instruction tokens.
        pooled_dim: P, width of the pooled instruction.
    """

    def __init__(self, dim: int, num_part_tokens: int, num_tokens: int = 8, pooled_dim: int = 128):
        super().__init__()
        self.null_style = nn.Parameter(torch.randn(1, num_part_tokens, dim) * 0.02)
        self.null_semantics = nn.Parameter(torch.randn(1, num_part_tokens, dim) * 0.02)
        self.type_style = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.type_semantics = nn.Parameter(torch.randn(1, 1, dim) * 0.02)
        self.queries = nn.Parameter(torch.randn(1, num_tokens, dim) * 0.02)
        self.blocks = nn.ModuleList([_AttentionBlock(dim), _AttentionBlock(dim)])
        self.norm_out = nn.LayerNorm(dim)
        self.pooled = nn.Sequential(
            nn.LayerNorm(2 * dim),
            nn.Linear(2 * dim, pooled_dim),
            nn.SiLU(),
            nn.Linear(pooled_dim, pooled_dim),
        )

    def forward(
        self, style: torch.Tensor | None, semantics: torch.Tensor | None, batch: int | None = None
    ) -> LatentInstruction:
        """Compose; ``None`` for a part means "absent" (its learned null part is used)."""
        size = batch or (style if style is not None else semantics).shape[0]  # type: ignore[union-attr]
        if style is None:
            style = self.null_style.expand(size, -1, -1)
        if semantics is None:
            semantics = self.null_semantics.expand(size, -1, -1)
        return self.compose(style, semantics)

    def compose(self, style: torch.Tensor, semantics: torch.Tensor) -> LatentInstruction:
        context = torch.cat([style + self.type_style, semantics + self.type_semantics], dim=1)
        x = self.queries.expand(style.shape[0], -1, -1)
        for block in self.blocks:
            x = block(x, context)
        pooled = self.pooled(torch.cat([style.mean(dim=1), semantics.mean(dim=1)], dim=-1))
        return LatentInstruction(tokens=self.norm_out(x), pooled=pooled)

    def drop_parts(
        self,
        style: torch.Tensor,
        semantics: torch.Tensor,
        drop_style: torch.Tensor,
        drop_semantics: torch.Tensor,
    ) -> LatentInstruction:
        """Compose with per-sample condition dropout (``drop_*``: bool ``[B]``)."""
        style = torch.where(drop_style[:, None, None], self.null_style.to(style.dtype), style)
        semantics = torch.where(
            drop_semantics[:, None, None], self.null_semantics.to(semantics.dtype), semantics
        )
        return self.compose(style, semantics)


class InstructionDecoder(nn.Module):
    """Stage-1 reconstruction head: instruction ``[B, K, d]`` -> encoder tokens ``[B, T, D]``."""

    def __init__(self, dim: int, num_tokens: int, token_dim: int, pooled_dim: int = 128) -> None:
        super().__init__()
        self.pooled_in = nn.Linear(pooled_dim, dim)
        self.queries = nn.Parameter(torch.randn(1, num_tokens, dim) * 0.02)
        self.block = _AttentionBlock(dim)
        self.out = nn.Sequential(nn.LayerNorm(dim), nn.Linear(dim, token_dim))

    def forward(self, instruction: LatentInstruction) -> torch.Tensor:
        pooled = self.pooled_in(instruction.pooled)[:, None]
        context = torch.cat([instruction.tokens, pooled], dim=1)
        x = self.block(self.queries.expand(context.shape[0], -1, -1), context)
        return self.out(x)
