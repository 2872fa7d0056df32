"""The dual-tower disentangler (DRC, Xu et al. 2025, §3.2; DESIGN.md §2 stage 1).

``StyleTower`` and ``SemTower`` share one architecture: a cross-attention layer followed by a
feed-forward layer. A tower reads a *pair*: queries from one image's tokens, keys/values from
another image's tokens, so its output keeps what the two share (style for images of one
style, semantics for images of one semantics).

Our decisions where the paper is silent (docs/method.md):

- **Sets, not only pairs.** The key/value side may hold the tokens of several images,
  concatenated along the token axis; a pair is the special case of one image.
- **History aggregation** (``style_of_history``): for N >= 2 history images, image ``i`` queries
  the tokens of all other history images; the N outputs are averaged. For N = 1 the image
  queries itself (trained for: stage 1 uses self-pairs with a small probability). A history
  longer than ``HISTORY_GROUP`` (the most images training ever shows) is split into
  consecutive groups of at most that size and the groups' style parts are averaged, so a
  profile of 1,000 images stays in the regime the towers were trained on and costs O(N).
- **Reference semantics** (``semantics_of_reference``): a reference variant queries another
  semantic-preserving variant of the same reference (stage 2's augmentation), so the tower sees
  a pair that shares semantics but not style, as in training; at inference drc-mini may give
  the reference itself in either place (``MiniConfig.reference_view``).
"""

from __future__ import annotations

import torch
from torch import nn

HISTORY_GROUP = 6
"""Largest history stage 2 trains with (``training/stage2.py``); longer ones are grouped."""


class Tower(nn.Module):
    """Cross-attention + feed-forward over a pair of token sets.

    Args:
        token_dim: D, the encoder's token width.
        dim: d, the width of the tower's output part.
        num_tokens: T, tokens per image (for the learned position embedding of queries).

    ``forward(query [B, T, D], context [B, T', D]) -> part [B, T, d]``.
    """

    def __init__(self, token_dim: int, dim: int, num_tokens: int, heads: int = 4) -> None:
        super().__init__()
        self.query_in = nn.Linear(token_dim, dim)
        self.context_in = nn.Linear(token_dim, dim)
        self.position = nn.Parameter(torch.zeros(1, num_tokens, dim))
        self.norm_q = nn.LayerNorm(dim)
        self.norm_kv = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm_ff = nn.LayerNorm(dim)
        self.feed_forward = nn.Sequential(
            nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim)
        )
        self.norm_out = nn.LayerNorm(dim)

    def forward(self, query: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
        q = self.query_in(query) + self.position
        kv = self.norm_kv(self.context_in(context))
        attended, _ = self.attention(self.norm_q(q), kv, kv, need_weights=False)
        x = q + attended
        x = x + self.feed_forward(self.norm_ff(x))
        return self.norm_out(x)


class StyleTower(Tower):
    """Extracts what a pair of same-style images share: the style part ``F_sty``."""


class SemTower(Tower):
    """Extracts what a pair of same-semantics images share: the semantic part ``F_sem``."""


class Disentangler(nn.Module):
    """The two towers, with the inference-time aggregation rules of this module's docstring."""

    def __init__(self, token_dim: int, dim: int, num_tokens: int) -> None:
        super().__init__()
        self.style_tower = StyleTower(token_dim, dim, num_tokens)
        self.sem_tower = SemTower(token_dim, dim, num_tokens)

    def style_of_history(self, history: torch.Tensor) -> torch.Tensor:
        """Style part of a history.

        Args:
            history: ``[B, N, T, D]`` tokens of N >= 1 history images per sample.
        Returns:
            ``[B, T, d]``: for N <= ``HISTORY_GROUP``, the mean over i of
            StyleTower(q=image i, kv=all other images); longer histories are split into
            consecutive groups of at most ``HISTORY_GROUP`` and the groups' parts averaged,
            each group weighted by its size.
        """
        count = history.shape[1]
        if count <= HISTORY_GROUP:
            return self._style_of_group(history)
        groups = torch.split(history, HISTORY_GROUP, dim=1)
        total = sum(self._style_of_group(g) * g.shape[1] for g in groups)
        return total / count

    def _style_of_group(self, history: torch.Tensor) -> torch.Tensor:
        batch, count, _, dim = history.shape
        if count == 1:
            return self.style_tower(history[:, 0], history[:, 0])
        parts = []
        for i in range(count):
            others = torch.cat([history[:, :i], history[:, i + 1 :]], dim=1)
            parts.append(self.style_tower(history[:, i], others.reshape(batch, -1, dim)))
        return torch.stack(parts).mean(dim=0)

    def describe(self, tokens: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Per-image parts for storage and plots: ``[B, T, D]`` tokens -> style and semantic
        parts ``[B, T, d]`` of each image read with itself (the N = 1 rule)."""
        return self.style_tower(tokens, tokens), self.sem_tower(tokens, tokens)

    def semantics_of_reference(self, variant: torch.Tensor, partner: torch.Tensor) -> torch.Tensor:
        """Semantic part of a reference: ``[B, T, D]`` variant queries ``[B, T', D]`` partner."""
        return self.sem_tower(variant, partner)
