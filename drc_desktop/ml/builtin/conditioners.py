"""Conditioners: how a method turns history and reference tokens into a latent instruction.

Every method shares the generator, the fusion architecture and the training recipe; only the
path from encoder tokens to the two parts differs (the paper's comparison, issue #2 §4):

- ``DRCConditioner``: the frozen dual-tower ``Disentangler`` (stage 1) gives the style part of
  the history and the semantic part of the reference.
- ``EntangledConditioner``: no disentangler; the mean history tokens and the reference tokens
  are projected and fused as they are (the failure case: guidance collapse).

``parts`` takes history tokens ``[B, N, T, D]`` (N >= 1 history images), reference tokens
``[B, T, D]`` and partner tokens ``[B, T, D]`` (another semantic-preserving variant of the same
reference) and returns the style part and the semantic part, each ``[B, T, d]``.
"""

from __future__ import annotations

import torch
from torch import nn

from drc_desktop.ml.drc.disentangler import Disentangler
from drc_desktop.ml.drc.fusion import FusionNetwork

METHODS = ("drc", "entangled")


class DRCConditioner(nn.Module):
    """DRC: the frozen towers give the parts; only the fusion network is trained in stage 2."""

    def __init__(self, disentangler: Disentangler, fusion: FusionNetwork) -> None:
        super().__init__()
        self.disentangler = disentangler.requires_grad_(False)
        self.fusion = fusion

    def parts(
        self, history: torch.Tensor, reference: torch.Tensor, partner: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        style = self.disentangler.style_of_history(history)
        semantics = self.disentangler.semantics_of_reference(reference, partner)
        return style, semantics


class EntangledConditioner(nn.Module):
    """Baseline: linear projections of the mean history tokens and the reference tokens."""

    def __init__(self, token_dim: int, dim: int, fusion: FusionNetwork) -> None:
        super().__init__()
        self.history_in = nn.Sequential(nn.Linear(token_dim, dim), nn.LayerNorm(dim))
        self.reference_in = nn.Sequential(nn.Linear(token_dim, dim), nn.LayerNorm(dim))
        self.fusion = fusion

    def parts(
        self, history: torch.Tensor, reference: torch.Tensor, partner: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        del partner  # the entangled baseline sees one reference image, as the paper's baseline
        return self.history_in(history.mean(dim=1)), self.reference_in(reference)


Conditioner = DRCConditioner | EntangledConditioner
