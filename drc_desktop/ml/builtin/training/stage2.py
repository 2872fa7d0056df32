"""Stage 2: the generator (UNet + fusion) of one method, v-prediction under condition
dropout, resumable from its checkpoints with identical weights."""

from __future__ import annotations

import bisect
import copy
import json
import math
import random
from dataclasses import dataclass
from pathlib import Path

import torch
from diffusers import DDPMScheduler
from safetensors.torch import load_file, save_file
from torch import nn
from tqdm.auto import tqdm

from drc_desktop.core import stickers
from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.autoencoder import PatchSpace, StickerAutoencoder
from drc_desktop.ml.builtin.encoder import StickerEncoderNet
from drc_desktop.ml.builtin.generator import min_snr_weights, training_scheduler
from drc_desktop.ml.builtin.sticker_data import (
    HISTORY_KINDS,
    StickerPool,
    history_semantics,
)
from drc_desktop.ml.builtin.training.config import (
    SEMANTICS_COUNT,
    TrainConfig,
    float_images,
    other_than,
    stage_seed,
)
from drc_desktop.ml.drc.augment import augment_semantics_preserving
from drc_desktop.ml.drc.disentangler import HISTORY_GROUP, Disentangler
from drc_desktop.ml.drc.fusion import FusionNetwork
from drc_desktop.ml.model_files import load_weights, save_weights


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
    reference_styles = other_than(styles, pool.num_styles, generator)
    device = pool.images.device
    reference = float_images(pool.images[reference_styles.to(device), semantics.to(device)])
    variants = augment_semantics_preserving(torch.cat([reference, reference]), generator)
    with torch.no_grad():
        encoded = encoder(variants).tokens
        target = space.encode(float_images(pool.images[styles.to(device), semantics.to(device)]))
    return Stage2Batch(
        target=target,
        history=tokens[styles[:, None].to(device), history_semantics_index.to(device)],
        reference=encoded[:batch],
        partner=encoded[batch:],
    )


class EMA:
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


def stage2_learning_rate(step: int, train: TrainConfig) -> float:
    """The learning rate of stage-2 step ``step`` (0-based): cosine cycles from ``stage2_lr``
    to a tenth of each cycle's peak, a new cycle at every step of ``stage2_restarts``, each
    peak ``stage2_restart_scale`` times the last; 200 warm-up steps at the start of each
    cycle. Without restarts it is v2's first schedule (one cycle over ``stage2_steps``)."""
    bounds = [0, *sorted(r for r in set(train.stage2_restarts) if 0 < r < train.stage2_steps)]
    bounds.append(max(train.stage2_steps, bounds[-1] + 1))
    cycle = min(bisect.bisect_right(bounds, step), len(bounds) - 1) - 1
    start, end = bounds[cycle], bounds[cycle + 1]
    local = step - start
    peak = train.stage2_lr * train.stage2_restart_scale**cycle
    warmup = min(1.0, (local + 1) / 200)
    return peak * warmup * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * local / (end - start))))


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
    ema = EMA(bundle, train.ema_decay)
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
            group["lr"] = stage2_learning_rate(step, train)
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


def store_half_precision(path: Path) -> None:
    """Rewrite a weights file with its float32 tensors as float16 (the shipped generators:
    two 27.6 MB files would pass the 50 MB budget of issue #10; loading casts them back to
    float32, so only the stored precision changes). Idempotent."""
    tensors = load_file(str(path))
    halved = {k: v.half() if v.dtype == torch.float32 else v for k, v in tensors.items()}
    save_file(halved, str(path))
