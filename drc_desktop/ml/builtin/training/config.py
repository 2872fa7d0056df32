"""``TrainConfig`` (everything that affects ``drc train builtin``) and the seeds of each
stage's random streams."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import torch

from drc_desktop.core import stickers
from drc_desktop.ml.drc.importance import ImportanceConfig

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
    stage2_steps: int = 9000
    # Steps at which the stage-2 learning rate starts a new cosine cycle (warm restarts, SGDR:
    # Loshchilov & Hutter 2017), each peak ``stage2_restart_scale`` times the one before. v2's
    # first 3,000 steps were one cycle, and validation semantics were still rising when the
    # rate reached its floor; v2.1 added the second cycle, v2.3 the third, v2.4 the fourth
    # (docs/method.md, "The v2 runs").
    stage2_restarts: tuple[int, ...] = (3000, 5000, 7000)
    stage2_restart_scale: float = 0.5
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

    def __post_init__(self) -> None:
        if not self.stage2_restart_scale > 0:
            raise ValueError(
                f"stage2_restart_scale must be positive, got {self.stage2_restart_scale}"
            )

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
            stage2_restarts=(2,),
            stage2_batch=4,
            checkpoint_every=2,
            snapshot_every=2,
        )


Progress = Callable[[str, int, int], None]


def seed_all(seed: int) -> torch.Generator:
    random.seed(seed)
    torch.manual_seed(seed)
    return torch.Generator().manual_seed(seed)


_STAGE_SEEDS = {"encoder": 1, "stage1": 3, "drc": 4, "entangled": 5, "autoencoder": 6, "decoder": 7}


def stage_seed(seed: int, stage: str, step: int = 0) -> int:
    """The seed of a stage's random streams (and of stage 2's stream from ``step`` on)."""
    return (seed * 100 + _STAGE_SEEDS[stage]) * 1_000_003 + step


def float_images(pool_images: torch.Tensor) -> torch.Tensor:
    return pool_images.float().div_(255.0)


def jsonable(value: object) -> object:
    if isinstance(value, dict):
        return {k: jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def other_than(values: torch.Tensor, upper: int, generator: torch.Generator) -> torch.Tensor:
    """Random integers in ``[0, upper)`` different from ``values`` elementwise."""
    offset = torch.randint(1, upper, values.shape, generator=generator)
    return (values + offset) % upper
