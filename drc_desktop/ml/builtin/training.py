"""``drc train builtin``: train every drc-mini component from a seed, resumably.

Stages, in order (each saved under ``OUT/checkpoints/`` when done, so a rerun resumes):

0. ``autoencoder``: the generator's working space, 64x64 stickers <-> 16x16x4 latents
   (``ml/builtin/autoencoder.py``), by reconstruction; frozen after.
1. ``encoder``: the sticker encoder with attribute heads on the training pool; frozen after.
2. ``stage1``: disentanglement learning (DESIGN.md §2): StyleTower, SemTower, FusionNetwork
   and a reconstruction head, on triplets, with difficulty-aware importance sampling.
3. ``stage2-drc`` and ``stage2-entangled``: the generator (UNet + fusion) of each method, the
   same recipe and step count, with condition dropout and semantic-preserving augmentation
   of the reference; checkpoints every ``checkpoint_every`` steps.

Every stage draws from its own random streams, seeded from ``(seed, stage)``, and stage 2
reseeds at every checkpoint boundary, so a run resumed from its checkpoints gives the same
weights as an uninterrupted one. The pool mixes sticker-like and whole-colour-space palettes
and the stage-2 histories repeat semantics (``sticker_data.HISTORY_KINDS``; issue #10 §1).

The result is a model folder (``MiniModel.load``) with a SHA-256 manifest. The evaluation
judges are trained by their own command (``drc train judges``, ``train_judges``), on their own
pool and seed, never on the model's data.
"""

from __future__ import annotations

import copy
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from diffusers import DDPMScheduler
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm.auto import tqdm

from drc_desktop.core import stickers
from drc_desktop.core.errors import InputError
from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.autoencoder import PatchSpace, StickerAutoencoder
from drc_desktop.ml.builtin.encoder import AttributeHeads, StickerEncoderNet
from drc_desktop.ml.builtin.generator import min_snr_weights, training_scheduler
from drc_desktop.ml.builtin.judges import CHOICE_SIZES, SEMANTIC_SIZES, STYLE_SIZES, AttributeNet
from drc_desktop.ml.builtin.sticker_data import (
    ALL_COMBINATIONS,
    HISTORY_KINDS,
    JUDGE_SEED_OFFSET,
    TRAIN_COMBINATIONS,
    StickerPool,
    history_semantics,
    render_pool,
)
from drc_desktop.ml.drc.augment import augment_semantics_preserving
from drc_desktop.ml.drc.disentangler import HISTORY_GROUP, Disentangler
from drc_desktop.ml.drc.fusion import FusionNetwork, InstructionDecoder
from drc_desktop.ml.drc.importance import DifficultySampler, ImportanceConfig
from drc_desktop.ml.model_files import CONFIG, load_weights, save_weights, write_manifest

SEMANTICS_COUNT = len(stickers.ALL_SEMANTICS)


@dataclass
class TrainConfig:
    """Everything that affects ``drc train builtin`` (saved with the model)."""

    seed: int = 0
    pool_styles: int = 1600
    autoencoder_steps: int = 1500
    # Then the decoder alone, the encoder (so the latents stage 2 learns) frozen.
    decoder_steps: int = 1000
    autoencoder_batch: int = 32
    encoder_steps: int = 1500
    attribute_batch: int = 96
    stage1_steps: int = 1500
    stage1_batch: int = 128
    # Weight of the parts' attribute probes in stage 1 (style part -> style attributes,
    # semantic part -> emotion and action; docs/method.md, "Stage 1 probes").
    stage1_probe_weight: float = 0.1
    stage2_steps: int = 3000
    stage2_batch: int = 32
    stage2_lr: float = 8e-4
    # 0: plain v-prediction MSE. min-SNR-5 was measured to leave the low-noise steps untrained
    # on the patch grid (docs/method.md, "Loss weighting").
    min_snr_gamma: float = 0.0
    drop_style: float = 0.15
    drop_semantics: float = 0.15
    self_pair_probability: float = 0.15
    ema_decay: float = 0.999
    checkpoint_every: int = 200
    snapshot_every: int = 500  # EMA generators kept for the learning curve
    methods: tuple[str, ...] = ("drc", "entangled")
    importance: ImportanceConfig = field(default_factory=ImportanceConfig)

    @classmethod
    def tiny(cls) -> TrainConfig:
        """Seconds-long settings for tests (the recipe is the same, the budget is not)."""
        return cls(
            pool_styles=12,
            autoencoder_steps=3,
            decoder_steps=2,
            autoencoder_batch=4,
            encoder_steps=3,
            attribute_batch=8,
            stage1_steps=3,
            stage1_batch=8,
            stage2_steps=4,
            stage2_batch=4,
            checkpoint_every=2,
            snapshot_every=2,
        )


Progress = Callable[[str, int, int], None]


def _seed_all(seed: int) -> torch.Generator:
    random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


_STAGE_SEEDS = {"encoder": 1, "stage1": 3, "drc": 4, "entangled": 5, "autoencoder": 6, "decoder": 7}


def stage_seed(seed: int, stage: str, step: int = 0) -> int:
    """The seed of a stage's random streams (and of stage 2's stream from ``step`` on)."""
    return (seed * 100 + _STAGE_SEEDS[stage]) * 1_000_003 + step


def _float_images(pool_images: torch.Tensor) -> torch.Tensor:
    return pool_images.float().div_(255.0)


# ------------------------------------------------------------------ stage 0: attribute nets


def attribute_targets(pool: StickerPool) -> dict[str, torch.Tensor]:
    """Per-image targets ``[S, M, ...]`` for ``AttributeHeads``."""
    vectors = pool.style_vectors()  # [S, 15]
    s, m = pool.num_styles, SEMANTICS_COUNT
    targets = {"colors": vectors[:, None, :12].expand(s, m, 12)}
    for k, name in enumerate(stickers.STYLE_CHOICES):
        targets[name] = vectors[:, None, 12 + k].long().expand(s, m)
    j = torch.arange(m)
    targets["emotion"] = (j // len(stickers.ACTIONS))[None].expand(s, m)
    targets["action"] = (j % len(stickers.ACTIONS))[None].expand(s, m)
    return targets


def attribute_loss(
    predictions: dict[str, torch.Tensor], targets: dict[str, torch.Tensor]
) -> torch.Tensor:
    loss = 10.0 * F.mse_loss(predictions["colors"], targets["colors"])
    for name in CHOICE_SIZES:
        loss = loss + F.cross_entropy(predictions[name], targets[name])
    return loss


def train_attribute_net(
    model: nn.Module,
    pool: StickerPool,
    steps: int,
    batch: int,
    generator: torch.Generator,
    noise: float = 0.0,
    desc: str = "encoder",
) -> nn.Module:
    """Supervised attribute training (the encoder's pre-training and the judges), on the
    device that holds ``pool.images``."""
    images = _float_images(pool.images)
    targets = {k: v.to(images.device) for k, v in attribute_targets(pool).items()}
    model.to(images.device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 2e-3, total_steps=max(steps, 1))
    model.train()
    for _ in tqdm(range(steps), desc=desc, leave=False):
        si = torch.randint(pool.num_styles, (batch,), generator=generator)
        mi = torch.randint(SEMANTICS_COUNT, (batch,), generator=generator)
        x = images[si, mi]
        if noise > 0:
            x = _judge_perturbation(x, noise, generator)
        loss = attribute_loss(model(x), {k: v[si, mi] for k, v in targets.items()})
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
    return model.eval()


def _judge_perturbation(x: torch.Tensor, noise: float, generator: torch.Generator) -> torch.Tensor:
    """Generic robustness for judges: pixel noise and a random slight blur."""
    b = x.shape[0]
    x = x + noise * torch.randn(x.shape, generator=generator).to(x.device)
    blurred = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), 3, stride=1)
    mix = 0.5 * torch.rand(b, 1, 1, 1, generator=generator).to(x.device)
    return (x * (1 - mix) + blurred * mix).clamp(0, 1)


@torch.no_grad()
def encode_pool(net: StickerEncoderNet, pool: StickerPool, batch: int = 512) -> torch.Tensor:
    """Tokens ``[S, M, T, D]`` of every pool image."""
    flat = pool.images.flatten(0, 1)
    parts = [net(_float_images(flat[i : i + batch])).tokens for i in range(0, len(flat), batch)]
    tokens = torch.cat(parts)
    return tokens.view(pool.num_styles, SEMANTICS_COUNT, *tokens.shape[1:])


# ------------------------------------------------------------------ stage 0: the autoencoder

# Reconstruction of a decoder fed slightly perturbed latents (half of each batch, noise of up
# to this share of the latents' spread), so that it draws clean stickers from the small
# errors a diffusion sample leaves (docs/method.md, "Generator").
AUTOENCODER_LATENT_NOISE = 0.1


def train_autoencoder(
    autoencoder: StickerAutoencoder,
    pool: StickerPool,
    steps: int,
    batch: int,
    generator: torch.Generator,
    decoder_only: bool = False,
) -> tuple[StickerAutoencoder, list[float]]:
    """Train ``autoencoder`` on the pool's images by L1 + MSE reconstruction (L1 keeps fills
    flat and edges hard), then set its latent ``scale`` to unit variance; returns it frozen
    with the loss curve (the mean loss of every 50 steps).

    With ``decoder_only`` the encoder and ``scale`` stay as they are (the latents do not
    change) and only the decoder learns: the second phase of stage 0."""
    images = pool.images
    device = images.device
    autoencoder.to(device).train()
    autoencoder.requires_grad_(True)
    if decoder_only:
        autoencoder.encoder.eval().requires_grad_(False)
    trainable = [p for p in autoencoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, 1e-3, total_steps=max(steps, 1), pct_start=0.1
    )
    curve, running = [], 0.0
    for step in tqdm(range(steps), desc="autoencoder", leave=False):
        si = torch.randint(pool.num_styles, (batch,), generator=generator).to(device)
        mi = torch.randint(SEMANTICS_COUNT, (batch,), generator=generator).to(device)
        x = _float_images(images[si, mi])
        latents = autoencoder.encode_raw(x)
        spread = latents.detach().std()
        noisy = (torch.rand(batch, 1, 1, 1, generator=generator) < 0.5).to(device)
        amount = AUTOENCODER_LATENT_NOISE * torch.rand(batch, 1, 1, 1, generator=generator)
        noise = torch.randn(latents.shape, generator=generator).to(device)
        latents = latents + noisy * amount.to(device) * spread * noise
        target = x * 2.0 - 1.0
        out = autoencoder.decode_raw(latents)
        loss = (out - target).abs().mean() + (out - target).pow(2).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        running += loss.item()
        if (step + 1) % 50 == 0 or step + 1 == steps:
            curve.append(round(running / (50 if (step + 1) % 50 == 0 else (step + 1) % 50), 5))
            running = 0.0
    autoencoder.eval().requires_grad_(False)
    if decoder_only:
        return autoencoder, curve
    with torch.no_grad():
        si = torch.randint(pool.num_styles, (512,), generator=generator).to(device)
        mi = torch.randint(SEMANTICS_COUNT, (512,), generator=generator).to(device)
        spread = autoencoder.encode_raw(_float_images(images[si, mi])).std()
        autoencoder.scale.fill_(1.0 / float(spread))
    return autoencoder, curve


# ------------------------------------------------------------------ stage 1: disentanglement


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


def _other(values: torch.Tensor, upper: int, generator: torch.Generator) -> torch.Tensor:
    """Random integers in ``[0, upper)`` different from ``values`` elementwise."""
    offset = torch.randint(1, upper, values.shape, generator=generator)
    return (values + offset) % upper


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
    sem_a = _other(semantics, SEMANTICS_COUNT, generator)
    if rng.random() < 1 / 3:
        sem_b = _other(semantics, SEMANTICS_COUNT, generator)[:, None].repeat(1, kv_count)
        sem_a = sem_b[:, 0]
    else:
        sem_b = torch.stack(
            [_other(semantics, SEMANTICS_COUNT, generator) for _ in range(kv_count)], dim=1
        )
    style_query = tokens[styles, sem_a]
    style_context = tokens[styles[:, None], sem_b].flatten(1, 2)
    self_pair = (torch.rand(b, generator=generator) < self_pair_probability).to(anchor.device)
    style_context = torch.where(
        self_pair[:, None, None], style_query.repeat(1, kv_count, 1), style_context
    )
    # Positive-semantic pair: other styles, same semantics.
    style_m = _other(styles, count, generator)
    if rng.random() < 0.5:
        image = _float_images(pool.images[style_m, semantics])
        both = augment_semantics_preserving(torch.cat([image, image]), generator)
        with torch.no_grad():
            encoded = encoder(both).tokens
        sem_query, sem_context = encoded[:b], encoded[b:]
    else:
        sem_query = tokens[style_m, semantics]
        sem_context = tokens[_other(styles, count, generator), semantics]
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


# ------------------------------------------------------------------ stage 2: generator


@dataclass
class Stage2Batch:
    target: torch.Tensor  # [B, C, 16, 16] cells of the generator's space
    history: torch.Tensor  # [B, N, T, D]
    reference: torch.Tensor  # [B, T, D]
    partner: torch.Tensor  # [B, T, D]


def stage2_batch(
    encoder: StickerEncoderNet,
    space: StickerAutoencoder | PatchSpace,
    pool: StickerPool,
    tokens: torch.Tensor,
    batch: int,
    generator: torch.Generator,
    rng: random.Random,
) -> Stage2Batch:
    """Targets of (style s, semantics m); history: 1-6 other images of style s whose semantics
    are one value repeated, 2-3 values, or distinct (``HISTORY_KINDS``, equally often), never
    m; reference: semantics m in another style, as two semantic-preserving variants
    (DESIGN.md §2)."""
    styles = torch.randint(pool.num_styles, (batch,), generator=generator)
    semantics = torch.randint(SEMANTICS_COUNT, (batch,), generator=generator)
    history_count = rng.randint(1, HISTORY_GROUP)
    all_semantics = stickers.ALL_SEMANTICS
    history_semantics_index = torch.tensor(
        [
            [
                s.index
                for s in history_semantics(
                    rng.choice(HISTORY_KINDS), history_count, all_semantics[m], rng
                )
            ]
            for m in semantics.tolist()
        ],
        dtype=torch.long,
    )
    reference_styles = _other(styles, pool.num_styles, generator)
    device = pool.images.device
    reference = _float_images(pool.images[reference_styles.to(device), semantics.to(device)])
    variants = augment_semantics_preserving(torch.cat([reference, reference]), generator)
    with torch.no_grad():
        encoded = encoder(variants).tokens
        target = space.encode(_float_images(pool.images[styles.to(device), semantics.to(device)]))
    return Stage2Batch(
        target=target,
        history=tokens[styles[:, None].to(device), history_semantics_index.to(device)],
        reference=encoded[:batch],
        partner=encoded[batch:],
    )


class _EMA:
    def __init__(self, module: nn.Module, decay: float) -> None:
        self.decay = decay
        self.shadow = copy.deepcopy(module).eval().requires_grad_(False)

    @torch.no_grad()
    def update(self, module: nn.Module, step: int) -> None:
        decay = min(self.decay, (1 + step) / (10 + step))
        for shadow, live in zip(self.shadow.parameters(), module.parameters(), strict=True):
            shadow.lerp_(live, 1 - decay)
        for shadow, live in zip(self.shadow.buffers(), module.buffers(), strict=True):
            shadow.copy_(live)


class GeneratorBundle(nn.Module):
    def __init__(self, unet: nn.Module, conditioner: nn.Module) -> None:
        super().__init__()
        self.unet = unet
        self.conditioner = conditioner


def stage2_step_loss(
    bundle: GeneratorBundle,
    data: Stage2Batch,
    train: TrainConfig,
    generator: torch.Generator,
    scheduler: DDPMScheduler,
) -> torch.Tensor:
    """The stage-2 loss of one batch: v-prediction MSE, min-SNR weighted
    (``TrainConfig.min_snr_gamma``), under per-sample condition dropout (style part and
    semantic part each dropped with their ``TrainConfig`` probability)."""
    b = data.target.shape[0]
    conditioner = bundle.conditioner
    style, semantics = conditioner.parts(data.history, data.reference, data.partner)
    device = data.target.device
    drop_style = (torch.rand(b, generator=generator) < train.drop_style).to(device)
    drop_semantics = (torch.rand(b, generator=generator) < train.drop_semantics).to(device)
    instruction = conditioner.fusion.drop_parts(style, semantics, drop_style, drop_semantics)
    noise = torch.randn(data.target.shape, generator=generator).to(device)
    timesteps = torch.randint(scheduler.config.num_train_timesteps, (b,), generator=generator).to(
        device
    )
    noisy = scheduler.add_noise(data.target, noise, timesteps)
    velocity = scheduler.get_velocity(data.target, noise, timesteps)
    prediction = bundle.unet(
        noisy,
        timesteps,
        encoder_hidden_states=instruction.tokens,
        class_labels=instruction.pooled,
    ).sample
    per_sample = (prediction - velocity).pow(2).mean(dim=(1, 2, 3))
    return (min_snr_weights(scheduler, timesteps, train.min_snr_gamma) * per_sample).mean()


def _save_optimizer(path: Path, optimizer: torch.optim.Optimizer, step: int) -> None:
    tensors = {}
    for index, state in optimizer.state_dict()["state"].items():
        for name, value in state.items():
            tensors[f"{index}.{name}"] = torch.as_tensor(value).contiguous()
    save_file(tensors, str(path), metadata={"step": str(step)})


def _load_optimizer(path: Path, optimizer: torch.optim.Optimizer) -> None:
    tensors = load_file(str(path))
    state: dict[int, dict[str, torch.Tensor]] = {}
    for key, value in tensors.items():
        index, name = key.split(".", 1)
        state.setdefault(int(index), {})[name] = value
    current = optimizer.state_dict()
    current["state"] = state
    optimizer.load_state_dict(current)


def train_stage2(
    method: str,
    config: drc_mini.MiniConfig,
    train: TrainConfig,
    encoder: StickerEncoderNet,
    space: StickerAutoencoder | PatchSpace,
    disentangler: Disentangler | None,
    fusion_init: FusionNetwork | None,
    pool: StickerPool,
    tokens: torch.Tensor,
    checkpoints: Path,
) -> tuple[GeneratorBundle, list[float]]:
    """Train the generator of ``method``; resumes from ``checkpoints/stage2-METHOD.*``.

    The random streams are reseeded from ``(seed, method, step)`` at every checkpoint
    boundary, so a resumed run gives the weights of an uninterrupted one. Every
    ``snapshot_every`` steps the EMA generator is kept under ``checkpoints/curve/`` for the
    learning curve (docs/evaluation.md).
    """
    torch.manual_seed(stage_seed(train.seed, method))
    unet, conditioner = drc_mini.build_generator(config, method, disentangler)
    if fusion_init is not None and method == "drc":
        conditioner.fusion.load_state_dict(fusion_init.state_dict())
    device = tokens.device
    bundle = GeneratorBundle(unet, conditioner).to(device)
    trainable = [p for p in bundle.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=train.stage2_lr, weight_decay=1e-4)
    ema = _EMA(bundle, train.ema_decay)
    scheduler = training_scheduler()
    state_file = checkpoints / f"stage2-{method}.json"
    start, losses = 0, []
    if state_file.is_file():
        state = json.loads(state_file.read_text())
        start, losses = state["step"], state["losses"]
        load_weights(
            checkpoints / f"stage2-{method}.safetensors", {"live": bundle, "ema": ema.shadow}
        )
        _load_optimizer(checkpoints / f"stage2-{method}-optimizer.safetensors", optimizer)
    generator = torch.Generator()
    rng = random.Random()

    def learning_rate(step: int) -> float:
        warmup = min(1.0, (step + 1) / 200)
        return (
            train.stage2_lr
            * warmup
            * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / max(train.stage2_steps, 1))))
        )

    bundle.train()
    running, logged = 0.0, 0
    bar = tqdm(
        range(start, train.stage2_steps),
        desc=f"stage2-{method}",
        initial=start,
        total=train.stage2_steps,
        leave=False,
    )
    for step in bar:
        if step == start or step % train.checkpoint_every == 0:
            generator.manual_seed(stage_seed(train.seed, method, step))
            rng.seed(stage_seed(train.seed, method, step))
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step)
        data = stage2_batch(encoder, space, pool, tokens, train.stage2_batch, generator, rng)
        loss = stage2_step_loss(bundle, data, train, generator, scheduler)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        ema.update(bundle, step)
        running, logged = running + loss.item(), logged + 1
        done = step + 1
        if done % 50 == 0 or done == train.stage2_steps:
            losses.append(round(running / logged, 5))  # mean loss since the last entry
            running, logged = 0.0, 0
            bar.set_postfix(loss=losses[-1])
        if done % train.snapshot_every == 0:
            save_weights(
                checkpoints / "curve" / f"{method}-{done:06d}.safetensors",
                {"unet": ema.shadow.unet, "conditioner": ema.shadow.conditioner},
            )
        if done % train.checkpoint_every == 0 or done == train.stage2_steps:
            save_weights(
                checkpoints / f"stage2-{method}.safetensors", {"live": bundle, "ema": ema.shadow}
            )
            _save_optimizer(checkpoints / f"stage2-{method}-optimizer.safetensors", optimizer, done)
            state_file.write_text(json.dumps({"step": done, "losses": losses}))
    return ema.shadow, losses


# ------------------------------------------------------------------ orchestration


def _check_resumable(checkpoints: Path, train: TrainConfig, config: drc_mini.MiniConfig) -> None:
    """Checkpoints are reused only by the settings that made them (``InputError`` otherwise);
    the stage-2 step count and checkpoint interval may change (to extend a training)."""
    settings = _jsonable(asdict(train))
    # The step count may grow (to extend a training); ``methods`` only selects which
    # generators this run trains (two processes may train one each from the same folder).
    for extendable in ("stage2_steps", "checkpoint_every", "methods"):
        settings.pop(extendable)
    recipe = json.dumps({"train": settings, "model": _jsonable(asdict(config))}, sort_keys=True)
    stamp = checkpoints / "recipe.json"
    if stamp.is_file() and stamp.read_text() != recipe:
        raise InputError(
            f"{checkpoints}: these checkpoints were made with other training settings; "
            "use another --out folder (or delete it) to train with these"
        )
    stamp.write_text(recipe)


def train_builtin(
    out: Path,
    train: TrainConfig | None = None,
    config: drc_mini.MiniConfig | None = None,
    device: torch.device | str = "cpu",
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Train every component into the model folder ``out`` (resuming from its checkpoints),
    on ``device`` (random draws stay on the CPU, so a seed gives the same batches anywhere).
    ``progress`` is told each stage's name as it starts."""
    train = train or TrainConfig()
    config = config or drc_mini.MiniConfig()
    torch.set_flush_denormal(True)
    checkpoints = out / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    _check_resumable(checkpoints, train, config)
    report_file = checkpoints / "training-report.json"
    report: dict = {"train_config": _jsonable(asdict(train))}
    seconds: dict[str, float] = {}
    tell = progress or (lambda stage: None)

    def save_report() -> None:
        # Merge with what another process training the other method wrote meanwhile.
        stored = json.loads(report_file.read_text()) if report_file.is_file() else {}
        stored.update(report)
        stored["seconds"] = {**stored.get("seconds", {}), **seconds}
        report_file.write_text(json.dumps(stored, indent=2))

    started = time.perf_counter()
    tell("render")
    pool = render_pool(train.pool_styles, seed=train.seed, combinations=TRAIN_COMBINATIONS)
    pool.images = pool.images.to(device)
    seconds["render"] = round(time.perf_counter() - started, 1)

    space = drc_mini.build_space(config).to(device)
    done = checkpoints / drc_mini.AUTOENCODER_FILE
    if isinstance(space, StickerAutoencoder):
        if done.is_file():
            load_weights(done, {"autoencoder": space})
        else:
            tell("autoencoder")
            t = time.perf_counter()
            torch.manual_seed(stage_seed(train.seed, "autoencoder"))
            space = drc_mini.build_space(config).to(device)
            space, curve = train_autoencoder(
                space, pool, train.autoencoder_steps, train.autoencoder_batch,
                torch.Generator().manual_seed(stage_seed(train.seed, "autoencoder")),
            )  # fmt: skip
            space, decoder_curve = train_autoencoder(
                space, pool, train.decoder_steps, train.autoencoder_batch,
                torch.Generator().manual_seed(stage_seed(train.seed, "decoder")),
                decoder_only=True,
            )  # fmt: skip
            save_weights(done, {"autoencoder": space})
            report["autoencoder_loss"] = curve
            report["decoder_loss"] = decoder_curve
            seconds["autoencoder"] = round(time.perf_counter() - t, 1)
            save_report()
        space.eval().requires_grad_(False)
        save_weights(out / drc_mini.AUTOENCODER_FILE, {"autoencoder": space})

    net = drc_mini.build_encoder_net(config).to(device)
    done = checkpoints / "encoder.safetensors"
    if done.is_file():
        load_weights(done, {"encoder": net})
    else:
        tell("encoder")
        t = time.perf_counter()
        torch.manual_seed(stage_seed(train.seed, "encoder"))
        net = drc_mini.build_encoder_net(config).to(device)
        train_attribute_net(
            AttributeNet(net=net),
            pool,
            train.encoder_steps,
            train.attribute_batch,
            torch.Generator().manual_seed(stage_seed(train.seed, "encoder")),
            desc="encoder",
        )
        save_weights(done, {"encoder": net})
        seconds["encoder"] = round(time.perf_counter() - t, 1)
        save_report()
    net.eval().requires_grad_(False)

    tokens = encode_pool(net, pool)
    stage1 = None
    done = checkpoints / "stage1.safetensors"
    if done.is_file():
        stage1 = Stage1Model(config).to(device)
        load_weights(done, {"stage1": stage1})
    elif "drc" in train.methods:
        tell("stage1")
        t = time.perf_counter()
        stage1, curve = train_stage1(config, train, net, pool, tokens)
        save_weights(done, {"stage1": stage1})
        report["stage1_swapped_loss"] = curve
        seconds["stage1"] = round(time.perf_counter() - t, 1)
        save_report()
    if stage1 is not None:
        stage1.requires_grad_(False)
        save_weights(out / "disentangler.safetensors", {"disentangler": stage1.disentangler})

    for method in train.methods:
        tell(f"stage2-{method}")
        t = time.perf_counter()
        bundle, losses = train_stage2(
            method,
            config,
            train,
            net,
            space,
            None if stage1 is None else stage1.disentangler,
            None if stage1 is None else stage1.fusion,
            pool,
            tokens,
            checkpoints,
        )
        save_weights(
            out / drc_mini.generator_file(method),
            {"unet": bundle.unet, "conditioner": bundle.conditioner},
        )
        store_half_precision(out / drc_mini.generator_file(method))
        report[f"stage2_{method}_loss"] = losses
        seconds[f"stage2_{method}"] = round(time.perf_counter() - t, 1)
        save_report()

    save_weights(out / "encoder.safetensors", {"encoder": net})
    (out / CONFIG).write_text(config.to_json())
    seconds["total_this_run"] = round(time.perf_counter() - started, 1)
    save_report()
    (out / "training.json").write_text(json.dumps(_jsonable(asdict(train)), indent=2) + "\n")
    write_manifest(out)
    return out


def store_half_precision(path: Path) -> None:
    """Rewrite a weights file with its float32 tensors as float16 (the shipped generators:
    two 27.6 MB files would pass the 50 MB budget of issue #10; loading casts them back to
    float32, so only the stored precision changes). Idempotent."""
    tensors = load_file(str(path))
    halved = {k: v.half() if v.dtype == torch.float32 else v for k, v in tensors.items()}
    save_file(halved, str(path))


def _jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


def judges_file(seed: int) -> str:
    """The judges of seed 0 are ``drc eval``'s; another seed gives the second opinion."""
    return "judges.safetensors" if seed == 0 else f"judges-seed{seed}.safetensors"


def train_judges(
    out: Path, seed: int = 0, styles: int = 1000, steps: int = 2000, device: str = "cpu"
) -> Path:
    """Train the evaluation judges into ``out/judges_file(seed)`` and refresh the manifest.

    The judges see every style combination (held-out ones included: they grade, they are not
    graded) and both palette sources, rendered from a random stream the model never uses,
    with light noise and blur so that they grade generated images as they grade renders.
    """
    torch.set_flush_denormal(True)
    judge_seed = seed + JUDGE_SEED_OFFSET
    _seed_all(judge_seed)
    pool = render_pool(styles, judge_seed, ALL_COMBINATIONS)
    pool.images = pool.images.to(device)
    judges = AttributeNet()
    train_attribute_net(
        judges,
        pool,
        steps,
        128,
        torch.Generator().manual_seed(judge_seed),
        noise=0.03,
        desc="judges",
    )
    out.mkdir(parents=True, exist_ok=True)
    save_weights(out / judges_file(seed), {"judges": judges})
    if (out / CONFIG).is_file():
        write_manifest(out)
    return out
