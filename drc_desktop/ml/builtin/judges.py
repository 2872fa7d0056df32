"""Evaluation judges: classifiers of sticker attributes, trained apart from the model.

The judges use the encoder's architecture but their own weights, data (a pool rendered from a
separate random stream, all style combinations) and seed, so the model is never graded by
itself. They read stickers ``[B, 3, 64, 64]`` in [0, 1] at full resolution (2x2 pixels per
input cell: a fill pattern in colours close to the body's stays visible to them).

- **Style forced choice**: given candidate styles (the history's, the reference's and
  distractors), pick the one the image most likely has: the score of a candidate is
  ``-||colors - c||^2 / COLOR_VARIANCE + sum log p(choice)``.
- **Semantics**: the argmax emotion and action.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from drc_desktop.core import stickers
from drc_desktop.core.stickers import StickerSemantics, StickerStyle
from drc_desktop.ml.builtin.encoder import AttributeHeads, StickerEncoderNet
from drc_desktop.ml.builtin.sticker_data import style_vector

STYLE_SIZES = {name: len(values) for name, values in stickers.STYLE_CHOICES.items()}
SEMANTIC_SIZES = {name: len(values) for name, values in stickers.SEMANTIC_CHOICES.items()}
CHOICE_SIZES = {**STYLE_SIZES, **SEMANTIC_SIZES}
JUDGE_DIM = 64  # the judges' own width, independent of any model's config
COLOR_VARIANCE = 0.01  # per-channel squared error of about 0.1 counts as one log-unit


class AttributeNet(nn.Module):
    """Encoder net + attribute heads: images -> dict of predictions (see ``AttributeHeads``).

    The judges are one; the encoder's pre-training wraps the encoder's own ``net`` in another.
    """

    def __init__(self, dim: int = JUDGE_DIM, net: StickerEncoderNet | None = None) -> None:
        super().__init__()
        self.net = net if net is not None else StickerEncoderNet(dim=dim, space_to_depth=True)
        dim = self.net.position.shape[2]
        self.heads = AttributeHeads(dim, CHOICE_SIZES)

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        return self.heads(self.net(images).pooled)


class Judges:
    """Frozen ``AttributeNet`` with the two verdicts used by ``drc eval``."""

    def __init__(self, model: AttributeNet) -> None:
        self.model = model.eval().requires_grad_(False)

    @torch.no_grad()
    def predict(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        """Images ``[B, 3, 64, 64]`` in [0, 1] -> ``colors`` ``[B, 12]`` and logits per field."""
        return self.model(images)

    @staticmethod
    def style_scores(
        predictions: dict[str, torch.Tensor], candidates: list[list[StickerStyle]]
    ) -> torch.Tensor:
        """Scores ``[B, C]`` of C candidate styles for each of B images."""
        rows = []
        for b, styles in enumerate(candidates):
            vectors = torch.from_numpy(np.stack([style_vector(s) for s in styles]))
            colors = vectors[:, :12]
            score = -((predictions["colors"][b][None] - colors) ** 2).sum(-1) / COLOR_VARIANCE
            for k, name in enumerate(stickers.STYLE_CHOICES):
                log_p = predictions[name][b].log_softmax(-1)
                score = score + log_p[vectors[:, 12 + k].long()]
            rows.append(score)
        return torch.stack(rows)

    @staticmethod
    def semantics(predictions: dict[str, torch.Tensor]) -> list[StickerSemantics]:
        emotions = predictions["emotion"].argmax(-1).tolist()
        actions = predictions["action"].argmax(-1).tolist()
        return [
            StickerSemantics(stickers.EMOTIONS[e], stickers.ACTIONS[a])
            for e, a in zip(emotions, actions, strict=True)
        ]
