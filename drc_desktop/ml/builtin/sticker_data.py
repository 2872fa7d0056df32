"""Sticker data for training and evaluation: pre-rendered pools and the fixed v2 splits.

The world covers what the schema accepts (issue #10 §1): palettes come from the sticker-like
prior or from the whole colour space (``stickers.sample_style(palette_source=...)``), and
histories repeat semantics the way a designer's past work does (``HISTORY_KINDS``).

The evaluation splits (``drc eval``) are fixed in code and made of **cells**: palette source
(prior / uniform) x combination (trained / held-out (shape, width, fill), never rendered in
training) x history kind (one semantics repeated / 2-3 distinct / all distinct). The held-out
split draws palettes from a random stream training never uses; the validation split has the
same cells and its own stream and is the only place settings are chosen.

Images are kept at ``MODEL_RESOLUTION`` (the sticker's own 64x64) as uint8 tensors
``[N, 3, R, R]``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.core.composition import EVAL_CASES_PER_CELL
from drc_desktop.core.stickers import StickerSemantics, StickerStyle

MODEL_RESOLUTION = stickers.STICKER_SIZE

# How a history's semantics are drawn (issue #10 §1): one semantics shown by every image, 2-3
# distinct values, or all distinct. The target's semantics never appear in an evaluation
# history; training draws the three kinds equally often.
HISTORY_KINDS = ("repeated", "few", "distinct")
COMBINATION_KINDS = ("trained", "held_out")
EVAL_HISTORY_SIZE = 6
CASES_PER_CELL = EVAL_CASES_PER_CELL

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


def history_semantics(
    kind: str, count: int, exclude: StickerSemantics | None, rng: random.Random
) -> tuple[StickerSemantics, ...]:
    """``count`` history semantics of ``kind`` (``HISTORY_KINDS``), never ``exclude``.

    ``repeated``: one value ``count`` times; ``few``: 2 or 3 distinct values (as many as
    ``count`` allows), each shown at least once; ``distinct``: ``count`` distinct values.
    """
    pool = [s for s in stickers.ALL_SEMANTICS if s != exclude]
    if kind == "repeated":
        return (rng.choice(pool),) * count
    if kind == "few":
        values = rng.sample(pool, min(count, rng.choice((2, 3))))
        shown = values + [rng.choice(values) for _ in range(count - len(values))]
        rng.shuffle(shown)
        return tuple(shown)
    if kind == "distinct":
        return tuple(rng.sample(pool, count))
    raise ValueError(f"history kind must be one of {', '.join(HISTORY_KINDS)}, got {kind!r}")


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
    palette_source: str = "mixed",
) -> StickerPool:
    """Render ``num_styles`` random styles x all semantics with random jitter; palettes from
    ``palette_source`` (default: the prior and the whole colour space, mixed)."""
    rng = random.Random(seed)
    styles = [stickers.sample_style(rng, combinations, palette_source) for _ in range(num_styles)]
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
    """One evaluation case: a user's history, a reference, and the true target.

    ``distractor_styles``: the forced-choice candidates besides the history's and the
    reference's styles: the history's palette with another shape, the history's palette with
    another fill, and one random style (issue #10 §2: style is judged on more than colour).
    """

    style: StickerStyle  # the user's style (history)
    history_semantics: tuple[StickerSemantics, ...]
    reference_style: StickerStyle
    target_semantics: StickerSemantics
    distractor_styles: tuple[StickerStyle, ...]
    seed: int
    palette_source: str = "prior"
    combination_kind: str = "trained"
    history_kind: str = "distinct"

    @property
    def cell(self) -> tuple[str, str, str]:
        return (self.palette_source, self.combination_kind, self.history_kind)

    @property
    def below_contrast_floor(self) -> bool:
        return self.style.contrast < stickers.CONTRAST_FLOOR

    def history_images(self) -> list[Image.Image]:
        return [
            stickers.render(self.style, sem, seed=self.seed + k)
            for k, sem in enumerate(self.history_semantics)
        ]

    def reference_image(self) -> Image.Image:
        return stickers.render(self.reference_style, self.target_semantics, seed=self.seed + 100)

    def target_image(self) -> Image.Image:
        return stickers.render(self.style, self.target_semantics, seed=self.seed + 200)


CELLS = tuple(
    (palette, combination, history)
    for palette in stickers.PALETTE_SOURCES
    for combination in COMBINATION_KINDS
    for history in HISTORY_KINDS
)


def held_out_cases(per_cell: int = CASES_PER_CELL) -> list[EvalCase]:
    """The fixed held-out split: ``per_cell`` cases in each of the 12 ``CELLS``, interleaved
    (case i is in cell ``i % 12``), so any prefix covers every cell."""
    return _cases(HELD_OUT_SEED, per_cell)


def validation_cases(per_cell: int = 20) -> list[EvalCase]:
    """The validation split: the same cells from its own random stream; the only split on
    which settings (guidance weights, checkpoints) are chosen."""
    return _cases(VALIDATION_SEED, per_cell)


def _replace(style: StickerStyle, **changes: str) -> StickerStyle:
    return StickerStyle(**{**{f: getattr(style, f) for f in stickers.STYLE_FIELDS}, **changes})


def _cases(seed: int, per_cell: int) -> list[EvalCase]:
    rng = random.Random(seed)
    cases = []
    for index in range(per_cell * len(CELLS)):
        palette_source, combination_kind, history_kind = CELLS[index % len(CELLS)]
        combos = HELD_OUT_COMBINATIONS if combination_kind == "held_out" else TRAIN_COMBINATIONS
        style = stickers.sample_style(rng, combos, palette_source)
        reference = stickers.sample_style(rng, ALL_COMBINATIONS, "mixed")
        other_shape = rng.choice([s for s in stickers.SHAPES if s != style.shape])
        other_fill = rng.choice([f for f in stickers.FILLS if f != style.fill])
        distractors = (
            _replace(style, shape=other_shape),
            _replace(style, fill=other_fill),
            stickers.sample_style(rng, ALL_COMBINATIONS, "mixed"),
        )
        target = stickers.sample_semantics(rng)
        cases.append(
            EvalCase(
                style=style,
                history_semantics=history_semantics(history_kind, EVAL_HISTORY_SIZE, target, rng),
                reference_style=reference,
                target_semantics=target,
                distractor_styles=distractors,
                seed=rng.getrandbits(24),
                palette_source=palette_source,
                combination_kind=combination_kind,
                history_kind=history_kind,
            )
        )
    return cases
