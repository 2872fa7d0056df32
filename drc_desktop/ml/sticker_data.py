"""Sticker data for training and evaluation: pre-rendered pools and the fixed held-out split.

The held-out split (``drc eval``) uses *new palettes* (drawn from a random stream that training
never uses) and *style combinations never rendered in training*: ``HELD_OUT_COMBINATIONS`` are
(shape, outline width, fill) triples excluded from every training pool. Both are fixed in code,
so every model and every report sees the same split.

Images are kept at ``MODEL_RESOLUTION`` (the built-in model's working size) as uint8 tensors
``[N, 3, R, R]``; rendering happens at ``STICKER_SIZE`` and is reduced with a box filter.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.core.composition import EVAL_CASES
from drc_desktop.core.stickers import StickerSemantics, StickerStyle

MODEL_RESOLUTION = 32

ALL_COMBINATIONS = tuple(
    (shape, width, fill)
    for shape in stickers.SHAPES
    for width in stickers.OUTLINE_WIDTHS
    for fill in stickers.FILLS
)
# One combination per shape and per fill, spread over widths: never rendered in training.
HELD_OUT_COMBINATIONS = (
    ("round", "2", "stripes"),
    ("round", "6", "gradient"),
    ("square", "4", "dots"),
    ("square", "2", "solid"),
    ("cat", "6", "stripes"),
    ("cat", "4", "gradient"),
    ("bunny", "2", "dots"),
    ("bunny", "6", "solid"),
)
TRAIN_COMBINATIONS = tuple(c for c in ALL_COMBINATIONS if c not in HELD_OUT_COMBINATIONS)

# Random streams: training pools, judges and the held-out split never share one.
HELD_OUT_SEED = 90_210
VALIDATION_SEED = 31_337  # for choosing settings (guidance); never the held-out split
JUDGE_SEED_OFFSET = 7_000_000


def to_model_array(image: Image.Image) -> np.ndarray:
    """An RGB image as uint8 ``[3, R, R]`` at the model resolution (box-filtered)."""
    if image.size != (MODEL_RESOLUTION, MODEL_RESOLUTION):
        image = image.resize((MODEL_RESOLUTION, MODEL_RESOLUTION), Image.Resampling.BOX)
    return np.asarray(image.convert("RGB"), dtype=np.uint8).transpose(2, 0, 1)


def images_to_tensor(images: list[Image.Image]) -> torch.Tensor:
    """PIL images to a float tensor ``[N, 3, R, R]`` in [0, 1]."""
    array = np.stack([to_model_array(image) for image in images])
    return torch.from_numpy(array).float().div_(255.0)


def style_vector(style: StickerStyle) -> np.ndarray:
    """Style attributes as numbers: 12 colour channels in [0, 1], then 3 choice indices."""
    colours = [c / 255.0 for name in stickers.COLOR_FIELDS for c in getattr(style, name)]
    choices = [
        float(values.index(getattr(style, name))) for name, values in stickers.STYLE_CHOICES.items()
    ]
    return np.asarray(colours + choices, dtype=np.float32)


@dataclass
class StickerPool:
    """Every semantics of each of ``len(styles)`` styles, pre-rendered.

    ``images[i, j]`` is style ``i`` showing ``stickers.ALL_SEMANTICS[j]``: uint8
    ``[S, M, 3, R, R]`` with S styles and M = 18 semantics.
    """

    styles: list[StickerStyle]
    images: torch.Tensor

    @property
    def num_styles(self) -> int:
        return len(self.styles)

    def style_vectors(self) -> torch.Tensor:
        return torch.from_numpy(np.stack([style_vector(s) for s in self.styles]))


def render_pool(
    num_styles: int,
    seed: int,
    combinations: tuple[tuple[str, str, str], ...] = TRAIN_COMBINATIONS,
) -> StickerPool:
    """Render ``num_styles`` random styles x all semantics with random jitter."""
    rng = random.Random(seed)
    styles = [stickers.sample_style(rng, combinations) for _ in range(num_styles)]
    semantics = stickers.ALL_SEMANTICS
    array = np.empty(
        (num_styles, len(semantics), 3, MODEL_RESOLUTION, MODEL_RESOLUTION), dtype=np.uint8
    )
    for i, style in enumerate(styles):
        for j, sem in enumerate(semantics):
            array[i, j] = to_model_array(stickers.render(style, sem, seed=rng.getrandbits(31)))
    return StickerPool(styles, torch.from_numpy(array))


@dataclass(frozen=True)
class EvalCase:
    """One held-out case: a user's history, a reference, and the true target."""

    style: StickerStyle  # the user's style (history)
    history_semantics: tuple[StickerSemantics, ...]
    reference_style: StickerStyle
    target_semantics: StickerSemantics
    distractor_styles: tuple[StickerStyle, ...]
    seed: int

    def history_images(self) -> list[Image.Image]:
        return [
            stickers.render(self.style, sem, seed=self.seed + k)
            for k, sem in enumerate(self.history_semantics)
        ]

    def reference_image(self) -> Image.Image:
        return stickers.render(self.reference_style, self.target_semantics, seed=self.seed + 100)

    def target_image(self) -> Image.Image:
        return stickers.render(self.style, self.target_semantics, seed=self.seed + 200)


def held_out_cases(
    count: int = EVAL_CASES, history_size: int = 6, distractors: int = 3
) -> list[EvalCase]:
    """The fixed held-out evaluation split.

    Half the cases use a held-out (shape, width, fill) combination for the user's style; all
    palettes are new. History semantics are distinct and never equal the target semantics, so
    copying a history image's semantics is detectable (guidance collapse, DESIGN.md §2).
    """
    return _cases(HELD_OUT_SEED, count, history_size, distractors, held_out_share=True)


def validation_cases(
    count: int = 120, history_size: int = 6, distractors: int = 3
) -> list[EvalCase]:
    """Cases like the held-out split's but with training combinations and their own palettes:
    the split on which settings such as the guidance weights are chosen."""
    return _cases(VALIDATION_SEED, count, history_size, distractors, held_out_share=False)


def _cases(
    seed: int, count: int, history_size: int, distractors: int, held_out_share: bool
) -> list[EvalCase]:
    rng = random.Random(seed)
    cases = []
    for index in range(count):
        use_held_out = held_out_share and index % 2 == 0
        combos = HELD_OUT_COMBINATIONS if use_held_out else TRAIN_COMBINATIONS
        style = stickers.sample_style(rng, combos)
        others = [stickers.sample_style(rng, ALL_COMBINATIONS) for _ in range(1 + distractors)]
        target = stickers.sample_semantics(rng)
        pool = [s for s in stickers.ALL_SEMANTICS if s != target]
        cases.append(
            EvalCase(
                style=style,
                history_semantics=tuple(rng.sample(pool, history_size)),
                reference_style=others[0],
                target_semantics=target,
                distractor_styles=tuple(others[1:]),
                seed=rng.getrandbits(24),
            )
        )
    return cases
