"""Stage 1: disentanglement learning (DESIGN.md §2): StyleTower, SemTower, FusionNetwork
and a reconstruction head on triplets, with difficulty-aware importance sampling and the
parts' attribute probes (docs/method.md)."""

from __future__ import annotations

import random

import torch
import torch.nn.functional as F
from torch import nn
from tqdm.auto import tqdm

from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.encoder import AttributeHeads, StickerEncoderNet
from drc_desktop.ml.builtin.judges import SEMANTIC_SIZES, STYLE_SIZES
from drc_desktop.ml.builtin.sticker_data import (
    TRAIN_COMBINATIONS,
    StickerPool,
)
from drc_desktop.ml.builtin.training.attributes import attribute_targets
from drc_desktop.ml.builtin.training.config import (
    SEMANTICS_COUNT,
    TrainConfig,
    float_images,
    other_than,
    stage_seed,
)
from drc_desktop.ml.drc.augment import augment_semantics_preserving
from drc_desktop.ml.drc.fusion import InstructionDecoder
from drc_desktop.ml.drc.importance import DifficultySampler


class Stage1Model(nn.Module):
    """Towers + fusion + reconstruction head, trained together in stage 1."""

    def __init__(self, config: drc_mini.MiniConfig) -> None:
        super().__init__()
        self.disentangler = drc_mini.build_disentangler(config)
        self.fusion = drc_mini.build_fusion(config)
        self.decoder = InstructionDecoder(
            config.part_dim, config.num_tokens, config.token_dim, config.pooled_dim
        )
        # Probes (training only): the style part must tell the style attributes, the semantic
        # part the emotion and action (docs/method.md, "Stage 1 probes").
        self.style_probe = AttributeHeads(config.part_dim, STYLE_SIZES)
        self.semantic_probe = AttributeHeads(config.part_dim, SEMANTIC_SIZES)


def probe_loss(
    model: Stage1Model,
    style_part: torch.Tensor,
    semantic_part: torch.Tensor,
    targets: dict[str, torch.Tensor],
) -> torch.Tensor:
    """Per-sample probe loss ``[B]``: style attributes from the style part's mean token,
    emotion and action from the semantic part's."""
    style = model.style_probe(style_part.mean(dim=1))
    semantics = model.semantic_probe(semantic_part.mean(dim=1))
    loss = 10.0 * (style["colors"] - targets["colors"]).pow(2).mean(dim=1)
    for name in STYLE_SIZES:
        loss = loss + F.cross_entropy(style[name], targets[name], reduction="none")
    for name in SEMANTIC_SIZES:
        loss = loss + F.cross_entropy(semantics[name], targets[name], reduction="none")
    return loss


def _cells(pool: StickerPool) -> tuple[list[list[int]], int]:
    """Style indices per training combination; a cell is (combination, semantics)."""
    by_combo: list[list[int]] = [[] for _ in TRAIN_COMBINATIONS]
    for i, style in enumerate(pool.styles):
        by_combo[TRAIN_COMBINATIONS.index(style.combination)].append(i)
    return by_combo, len(TRAIN_COMBINATIONS) * SEMANTICS_COUNT


def stage1_losses(
    model: Stage1Model,
    encoder: StickerEncoderNet,
    pool: StickerPool,
    tokens: torch.Tensor,
    styles: torch.Tensor,
    semantics: torch.Tensor,
    generator: torch.Generator,
    rng: random.Random,
    self_pair_probability: float,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Per-sample swapped and own reconstruction losses ``[B]`` for anchors (style, semantics),
    with the style part and the semantic part of the swapped composition ``[B, T, d]``.

    Swapped: the style part comes from *other* images of the anchor's style and the semantic
    part from two images of the anchor's semantics in *other* styles (or two
    semantic-preserving variants of one such image, as at inference); the anchor itself is
    never read, so its semantics cannot leak through the towers' values (docs/method.md).
    The style images show distinct semantics, or (a third of the batches) one semantics
    repeated, as a designer's history often does (issue #10 §1).
    Own: the anchor queries both towers (``F_sty^a``, ``F_sem^a``), as in the paper.
    """
    b = styles.shape[0]
    count = pool.num_styles
    anchor = tokens[styles, semantics]
    # Positive-style set: k other semantics of the same style; the first is the query.
    kv_count = rng.choice((1, 2, 3, 5))
    sem_a = other_than(semantics, SEMANTICS_COUNT, generator)
    if rng.random() < 1 / 3:
        sem_b = other_than(semantics, SEMANTICS_COUNT, generator)[:, None].repeat(1, kv_count)
        sem_a = sem_b[:, 0]
    else:
        sem_b = torch.stack(
            [other_than(semantics, SEMANTICS_COUNT, generator) for _ in range(kv_count)], dim=1
        )
    style_query = tokens[styles, sem_a]
    style_context = tokens[styles[:, None], sem_b].flatten(1, 2)
    self_pair = (torch.rand(b, generator=generator) < self_pair_probability).to(anchor.device)
    style_context = torch.where(
        self_pair[:, None, None], style_query.repeat(1, kv_count, 1), style_context
    )
    # Positive-semantic pair: other styles, same semantics.
    style_m = other_than(styles, count, generator)
    if rng.random() < 0.5:
        image = float_images(pool.images[style_m, semantics])
        both = augment_semantics_preserving(torch.cat([image, image]), generator)
        with torch.no_grad():
            encoded = encoder(both).tokens
        sem_query, sem_context = encoded[:b], encoded[b:]
    else:
        sem_query = tokens[style_m, semantics]
        sem_context = tokens[other_than(styles, count, generator), semantics]
    towers = model.disentangler
    style_part = towers.style_tower(style_query, style_context)
    semantic_part = towers.sem_tower(sem_query, sem_context)
    swapped = model.fusion(style_part, semantic_part)
    own = model.fusion(
        towers.style_tower(anchor, style_context), towers.sem_tower(anchor, sem_context)
    )
    swap_loss = (model.decoder(swapped) - anchor).pow(2).mean(dim=(1, 2))
    own_loss = (model.decoder(own) - anchor).pow(2).mean(dim=(1, 2))
    return swap_loss, own_loss, style_part, semantic_part


def train_stage1(
    config: drc_mini.MiniConfig,
    train: TrainConfig,
    encoder: StickerEncoderNet,
    pool: StickerPool,
    tokens: torch.Tensor,
) -> tuple[Stage1Model, list[float]]:
    """Train towers + fusion (on the device of ``tokens``); returns the model and the swapped
    loss per 100 steps."""
    device = tokens.device
    generator = torch.Generator().manual_seed(stage_seed(train.seed, "stage1"))
    rng = random.Random(stage_seed(train.seed, "stage1"))
    torch.manual_seed(stage_seed(train.seed, "stage1"))
    model = Stage1Model(config).to(device)
    by_combo, num_cells = _cells(pool)
    sampler = DifficultySampler(num_cells, train.importance)
    targets = {k: v.to(device) for k, v in attribute_targets(pool).items()}
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, 1e-3, total_steps=max(train.stage1_steps, 1)
    )
    history: list[float] = []
    running = 0.0
    for step in tqdm(range(train.stage1_steps), desc="stage1", leave=False):
        cells, weights = sampler.sample(train.stage1_batch, generator)
        combos, semantics = cells // SEMANTICS_COUNT, cells % SEMANTICS_COUNT
        styles = torch.tensor(
            [rng.choice(by_combo[c] or [0]) for c in combos.tolist()], dtype=torch.long
        )
        swap_loss, own_loss, style_part, semantic_part = stage1_losses(
            model,
            encoder,
            pool,
            tokens,
            styles,
            semantics,
            generator,
            rng,
            train.self_pair_probability,
        )
        anchors = {k: v[styles.to(device), semantics.to(device)] for k, v in targets.items()}
        probes = probe_loss(model, style_part, semantic_part, anchors)
        per_sample = swap_loss + own_loss + train.stage1_probe_weight * probes
        loss = (weights.to(device) * per_sample).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        sampler.update(cells, swap_loss.detach().cpu())
        running += swap_loss.mean().item()
        if (step + 1) % 100 == 0:
            history.append(running / 100)
            running = 0.0
    return model.eval(), history
