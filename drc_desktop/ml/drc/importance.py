"""Difficulty-aware importance sampling for stage 1 (DRC §3.2; our formula, docs/method.md).

The paper draws hard triplets more often but does not publish a formula. Ours works on
*cells* (a discrete style combination x a semantics class): each cell keeps an exponential
moving average ``L_c`` of its swapped-reconstruction loss. Cells are drawn with

    p_c = (1 - mix) * L_c^alpha / sum_k L_k^alpha + mix / C

(``mix`` keeps every cell reachable), and each sample's loss is weighted by
``w_c = (1 / C) / p_c`` so the weighted loss is an unbiased estimate of the uniform-cell
objective: sampling changes the variance, not what is optimised. ``enabled=False`` gives
uniform sampling with weights 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class ImportanceConfig:
    enabled: bool = True
    alpha: float = 1.0
    mix: float = 0.3
    decay: float = 0.9  # EMA decay of per-cell losses
    initial_loss: float = 1.0


class DifficultySampler:
    """Draws cell indices by difficulty and returns their importance weights."""

    def __init__(self, num_cells: int, config: ImportanceConfig) -> None:
        self.config = config
        self.losses = torch.full((num_cells,), config.initial_loss)

    @property
    def probabilities(self) -> torch.Tensor:
        count = self.losses.numel()
        uniform = torch.full((count,), 1.0 / count)
        if not self.config.enabled:
            return uniform
        hard = self.losses.clamp_min(1e-8) ** self.config.alpha
        return (1 - self.config.mix) * hard / hard.sum() + self.config.mix * uniform

    def sample(self, size: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """``size`` cell indices ``[size]`` (long) and their weights ``[size]`` (float)."""
        p = self.probabilities
        cells = torch.multinomial(p, size, replacement=True, generator=generator)
        weights = (1.0 / p.numel()) / p[cells]
        return cells, weights

    def update(self, cells: torch.Tensor, losses: torch.Tensor) -> None:
        """Fold per-sample (unweighted) losses into the cells' moving averages."""
        total = torch.zeros_like(self.losses).index_add_(0, cells, losses.detach().float())
        count = torch.zeros_like(self.losses).index_add_(0, cells, torch.ones_like(total[cells]))
        seen = count > 0
        mean = total[seen] / count[seen]
        d = self.config.decay
        self.losses[seen] = d * self.losses[seen] + (1 - d) * mean
