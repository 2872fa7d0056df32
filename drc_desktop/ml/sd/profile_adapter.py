"""The learned DRC composition for a Stable Diffusion profile (issue #4; DRC §3 in the CLIP
encoder's token space; docs/method.md "bring your own model").

``ProfileAdapter`` = the paper's StyleTower and SemTower (``Disentangler``) + ``FusionNetwork``
+ a head into what the IP-Adapter reads: the projected image embedding ``[E]`` (base adapters)
or hidden states ``[17, H]`` ("plus" adapters). It is trained per profile from what import
stored (the images are gone): the reduced features ``[17, H]`` and the features of two
semantic-preserving variants per image.

Training (:func:`train_profile_adapter`), for an anchor image ``a`` drawn by difficulty-aware
importance sampling (``ml/drc/importance.py``):

- style part: StyleTower(q = image b, kv = image c), b and c two other images of the profile
  (positive-style pairs: the profile shares one style);
- semantic part: SemTower(q = variant 1 of a, kv = variant 2 of a) (positive-semantic pairs:
  the variants share a's semantics, not its exact rendering);
- loss: reconstruct a's adapter input from FusionNetwork(style, semantics) (MSE), with each
  part replaced by its learned null part 15 % of the time so that partial compositions, and
  with them the two strengths, are defined.

At generation the style part aggregates the whole history (``style_of_history``), the semantic
part reads two variants of the reference, and the strengths combine the compositions in
embedding space with drc-mini's guidance formula (``ml/drc/guidance.py``):
``e = e(∅,∅) + s_sty (e(s,∅) − e(∅,∅)) + s_sem (e(s,m) − e(s,∅))``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import torch
from safetensors.torch import load, save
from torch import nn

from drc_desktop.core.errors import InputError
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.drc.disentangler import Disentangler
from drc_desktop.ml.drc.fusion import FusionNetwork
from drc_desktop.ml.drc.guidance import compose_guidance
from drc_desktop.ml.drc.importance import DifficultySampler, ImportanceConfig

TARGETS = ("embedding", "hidden")  # base adapters read the embedding, "plus" the hidden states
PART_DROPOUT = 0.15


@dataclass(frozen=True)
class AdapterConfig:
    """Sizes and recipe. ``target``: ``embedding`` ([E]) or ``hidden`` ([T, H])."""

    token_dim: int
    num_tokens: int
    target: str
    target_dim: int
    part_dim: int = 256
    instruction_tokens: int = 8
    pooled_dim: int = 256
    steps: int = 400
    batch: int = 32
    learning_rate: float = 3e-4
    seed: int = 0

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"target must be one of {TARGETS}, got {self.target!r}")


class ProfileAdapter(nn.Module):
    """Towers + fusion + head: features ``[B, T, H]`` -> adapter input ``[B, E]``/``[B, T, H]``."""

    def __init__(self, config: AdapterConfig) -> None:
        super().__init__()
        self.config = config
        tokens = config.num_tokens if config.target == "hidden" else config.instruction_tokens
        self.input = nn.Linear(config.token_dim, config.part_dim)
        self.disentangler = Disentangler(config.part_dim, config.part_dim, config.num_tokens)
        self.fusion = FusionNetwork(config.part_dim, config.num_tokens, tokens, config.pooled_dim)
        if config.target == "embedding":
            self.head = nn.Linear(config.pooled_dim, config.target_dim)
        else:
            self.head = nn.Linear(config.part_dim, config.target_dim)

    def project(self, features: torch.Tensor) -> torch.Tensor:
        """CLIP widths (1280 for ViT-H) are reduced to the towers' width first."""
        return self.input(features)

    def compose(self, style: torch.Tensor | None, semantics: torch.Tensor | None, batch: int):
        instruction = self.fusion(style, semantics, batch=batch)
        if self.config.target == "embedding":
            return self.head(instruction.pooled)
        return self.head(instruction.tokens)

    @torch.no_grad()
    def embed(
        self,
        history: torch.Tensor,
        reference_variants: torch.Tensor,
        style_strength: float = 1.0,
        semantic_strength: float = 1.0,
    ) -> torch.Tensor:
        """The composed adapter input for one generation.

        Args:
            history: ``[N, T, H]`` features of the profile's history.
            reference_variants: ``[2, T, H]`` features of two variants of the reference.
        Returns:
            ``[E]`` or ``[T, H]``.
        """
        style = self.disentangler.style_of_history(self.project(history)[None])
        variants = self.project(reference_variants)
        semantics = self.disentangler.semantics_of_reference(variants[:1], variants[1:])
        none = self.compose(None, None, 1)
        style_only = self.compose(style, None, 1)
        full = self.compose(style, semantics, 1)
        return compose_guidance(none, style_only, full, style_strength, semantic_strength)[0]

    def to_bytes(self) -> bytes:
        return save({k: v.contiguous().cpu() for k, v in self.state_dict().items()})

    @classmethod
    def from_bytes(cls, config: dict, data: bytes) -> ProfileAdapter:
        adapter = cls(AdapterConfig(**config))
        adapter.load_state_dict(load(data))
        return adapter.eval()


def training_tensors(items: list[ImageVectors], target: str) -> tuple[torch.Tensor, ...]:
    """features ``[N, T, H]``, variants ``[N, V, T, H]``, targets ``[N, E]`` or ``[N, T, H]``.

    Raises:
        InputError: fewer than 2 items, or items imported without variants.
    """
    if len(items) < 2:
        raise InputError("the profile needs at least 2 history images to learn its style")
    if any(item.variants is None for item in items):
        raise InputError("some history items have no stored variants: import them again")
    features = torch.from_numpy(np.stack([item.features for item in items]))
    variants = torch.from_numpy(np.stack([item.variants for item in items]))
    if target == "embedding":
        targets = torch.from_numpy(np.stack([item.style.reshape(-1) for item in items]))
    else:
        targets = features
    return features, variants, targets


def train_profile_adapter(
    items: list[ImageVectors],
    config: AdapterConfig,
    device: str = "cpu",
    progress: Callable[[int, int, float], None] | None = None,
) -> tuple[ProfileAdapter, dict]:
    """Train a profile's adapter; returns it (eval mode, CPU) and a report (losses, time)."""
    started = time.perf_counter()
    torch.manual_seed(config.seed)
    generator = torch.Generator().manual_seed(config.seed)
    features, variants, targets = (t.to(device) for t in training_tensors(items, config.target))
    count = len(features)
    adapter = ProfileAdapter(config).to(device).train()
    optimizer = torch.optim.AdamW(adapter.parameters(), lr=config.learning_rate)
    sampler = DifficultySampler(count, ImportanceConfig())
    scale = targets.pow(2).mean().clamp_min(1e-8)  # losses relative to the target's power
    losses = []
    for step in range(config.steps):
        anchors, weights = sampler.sample(config.batch, generator)
        others = _two_others(anchors, count, generator)
        style = adapter.disentangler.style_tower(
            adapter.project(features[others[:, 0]]), adapter.project(features[others[:, 1]])
        )
        pair = adapter.project(variants[anchors][:, :2])
        semantics = adapter.disentangler.sem_tower(pair[:, 0], pair[:, 1])
        drop = torch.rand(2, len(anchors), generator=generator) < PART_DROPOUT
        instruction = adapter.fusion.drop_parts(style, semantics, drop[0], drop[1])
        output = (
            adapter.head(instruction.pooled)
            if config.target == "embedding"
            else adapter.head(instruction.tokens)
        )
        per_sample = (output - targets[anchors]).pow(2).flatten(1).mean(1) / scale
        loss = (per_sample * weights.to(device)).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        sampler.update(anchors, per_sample.detach().cpu())
        losses.append(float(loss.detach()))
        if progress is not None:
            progress(step + 1, config.steps, losses[-1])
    adapter = adapter.cpu().eval()
    report = {
        "items": count,
        "steps": config.steps,
        "first_loss": round(float(np.mean(losses[:10])), 5),
        "final_loss": round(float(np.mean(losses[-10:])), 5),
        "seconds": round(time.perf_counter() - started, 1),
        "device": device,
    }
    return adapter, report


def _two_others(anchors: torch.Tensor, count: int, generator: torch.Generator) -> torch.Tensor:
    """Two images of the profile other than each anchor (the anchor itself when too few)."""
    picks = []
    for anchor in anchors.tolist():
        pool = [i for i in range(count) if i != anchor] or [anchor]
        chosen = torch.randint(len(pool), (2,), generator=generator).tolist()
        picks.append([pool[chosen[0]], pool[chosen[1]]])
    return torch.tensor(picks)


def config_dict(config: AdapterConfig) -> dict:
    return asdict(config)
