"""``drc eval --suite stickers``: personalization and guidance collapse, cell by cell (v2).

Every case (``sticker_data.held_out_cases``) gives a user's history (6 images of one style), a
reference (the target semantics in another style) and the true target. The split is made of
12 cells: palette source (``prior`` / ``uniform``) x combination (``trained`` / ``held_out``)
x history kind (``repeated`` / ``few`` / ``distinct``). Each method makes one image per case;
the judges (trained apart, ``judges.py``) grade it. Rates come with 95 % Wilson intervals.

Report schema (``REPORT_SCHEMA_VERSION`` = 2; docs/evaluation.md has the table):

- ``settings``: cases per cell, steps, seed, strengths, split, guidance weights, reference
  view, model, device;
- ``judges``: each judge on clean renders of the targets, overall and per cell;
- ``autoencoder`` (a model whose generator works on the autoencoder's latents): each judge
  on the autoencoder's reconstructions of the same clean renders (``judge_accuracy``'s
  summary) and its ``agreement``: per rate, the share of cases where the judge's verdict on
  the reconstruction equals its verdict on the render (issue #10 §3 asks >= 0.99);
- ``methods``: for each of ``drc``, ``entangled``, ``oracle``, ``reference_only``: a summary
  over all cases (``all``), per cell (``cells``), and for styles above and below the contrast
  floor (``above_contrast_floor``, ``below_contrast_floor``), plus ``seconds_per_image``.
  A summary holds ``cases``, ``style_accuracy`` (forced choice among the history's style, the
  reference's, the history's palette with another shape, with another fill, and a random
  style), ``shape_accuracy``, ``outline_width_accuracy``, ``fill_accuracy``,
  ``semantic_accuracy`` (emotion and action both right), ``reference_style_rate`` (the choice
  is the reference's style), ``history_semantics_rate`` (semantics wrong and equal to one
  shown in the history), ``collapse_rate`` (their union), each with ``<name>_ci95``; and
  ``background_delta_e`` (mean CIEDE2000 between the output's border colour and the
  history's background), ``background_within_10`` (share with ΔE <= 10),
  ``history_similarity``, ``reference_similarity``;
- ``second_judge``: the ``all`` and ``cells`` summaries of every method under the judges
  trained with another seed (when the model folder has them).

Methods: ``drc`` (ours); ``entangled`` (the same generator recipe without the disentangler);
``oracle`` (the shipped drc fusion and generator fed the disentangler's parts of the clean
*target* image itself, as a one-image history and as the reference: no extra training; the
gap between ``oracle`` and ``drc`` is the towers', the gap between ``oracle`` and the judges'
ceiling is the generator's); ``reference_only`` (the reference itself: pure collapse).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from drc_desktop.core import stickers
from drc_desktop.core.color import delta_e
from drc_desktop.core.composition import EVAL_METHODS
from drc_desktop.core.errors import ModelError
from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, MiniModel
from drc_desktop.ml.builtin.judges import AttributeNet, Judges
from drc_desktop.ml.builtin.sticker_data import (
    CASES_PER_CELL,
    CELLS,
    EvalCase,
    held_out_cases,
    images_to_tensor,
    validation_cases,
)
from drc_desktop.ml.model_files import load_weights

REPORT_SCHEMA_VERSION = 2
ALL_METHODS = EVAL_METHODS
SPLITS = {"held-out": held_out_cases, "validation": validation_cases}
JUDGE_FILES = ("judges.safetensors", "judges-seed1.safetensors")
BACKGROUND_TOLERANCE = 10.0  # CIEDE2000, issue #10 §3
RATES = (
    "style_accuracy",
    "shape_accuracy",
    "outline_width_accuracy",
    "fill_accuracy",
    "semantic_accuracy",
    "reference_style_rate",
    "history_semantics_rate",
    "collapse_rate",
)


@dataclass
class EvalSettings:
    """Everything that affects a report (saved in its ``settings``)."""

    per_cell: int = CASES_PER_CELL
    steps: int | None = None
    seed: int = 0
    style_strength: float = 1.0
    semantic_strength: float = 1.0
    batch: int = 60
    split: str = "held-out"  # or "validation" (for choosing settings)
    device: str = "cpu"
    methods: tuple[str, ...] = ALL_METHODS


def load_judges(folder: Path, file: str = JUDGE_FILES[0]) -> Judges:
    """Judges saved in a model folder (``drc train judges``); ``ModelError`` if absent."""
    if not (folder / file).is_file():
        raise ModelError(f"{folder}: no {file} (run `drc train judges --out {folder}`)")
    model = AttributeNet()
    load_weights(folder / file, {"judges": model})
    return Judges(model)


def evaluate(
    folder: Path = BUILTIN_MODEL_DIR,
    settings: EvalSettings | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Run the suite and return the report (see the module docstring for its schema)."""
    settings = settings or EvalSettings()
    if settings.split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {settings.split!r}")
    unknown = set(settings.methods) - set(ALL_METHODS)
    if unknown:
        raise ValueError(
            f"unknown method {sorted(unknown)[0]!r}; expected {', '.join(ALL_METHODS)}"
        )
    generators = tuple(
        {"oracle": "drc"}.get(m, m) for m in settings.methods if m != "reference_only"
    )
    model = MiniModel.load(folder, methods=tuple(dict.fromkeys(generators))).to(settings.device)
    judge_sets = [load_judges(folder)]  # judges run on the CPU: they are small
    if (folder / JUDGE_FILES[1]).is_file():
        judge_sets.append(load_judges(folder, JUDGE_FILES[1]))
    cases = SPLITS[settings.split](settings.per_cell)
    history = [images_to_tensor(case.history_images()) for case in cases]  # N x [6, 3, R, R]
    references = images_to_tensor([case.reference_image() for case in cases])
    targets = images_to_tensor([case.target_image() for case in cases])

    report = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "settings": {
            **asdict(settings),
            "cases": len(cases),
            "steps": settings.steps or model.config.default_steps,
            "model": str(folder),
            "device": str(model.device),
            "style_guidance": model.config.style_guidance,
            "semantic_guidance": model.config.semantic_guidance,
            "reference_view": model.config.reference_view,
            "contrast_floor": stickers.CONTRAST_FLOOR,
        },
        "judges": {
            JUDGE_FILES[k]: judge_accuracy(j, cases, targets) for k, j in enumerate(judge_sets)
        },
        "methods": {},
    }
    if model.config.latent_channels:
        report["autoencoder"] = autoencoder_fidelity(model, judge_sets, cases, targets)
    second: dict[str, dict] = {}
    for method in settings.methods:
        started = time.perf_counter()
        if method == "reference_only":
            outputs = references
        elif method == "oracle":
            oracle_history = [t[None] for t in targets]
            outputs = generate_outputs(
                model, "drc", oracle_history, targets, settings, progress, label="oracle"
            )
        else:
            outputs = generate_outputs(model, method, history, references, settings, progress)
        seconds = (time.perf_counter() - started) / len(cases)
        similarity = similarities(model, outputs, history, references)
        scores = score_outputs(judge_sets[0], cases, outputs, similarity)
        result = summarize_by_cell(scores, cases)
        result["seconds_per_image"] = round(seconds, 4)
        report["methods"][method] = result
        if len(judge_sets) > 1:
            other = summarize_by_cell(
                score_outputs(judge_sets[1], cases, outputs, similarity), cases
            )
            second[method] = {"all": other["all"], "cells": other["cells"]}
    if second:
        report["second_judge"] = {"judges": JUDGE_FILES[1], "methods": second}
    return report


def generate_outputs(
    model: MiniModel,
    method: str,
    history: list[torch.Tensor],
    references: torch.Tensor,
    settings: EvalSettings,
    progress: Callable[[str, int, int], None] | None,
    label: str | None = None,
) -> torch.Tensor:
    """One image per case, ``[N, 3, R, R]`` in [0, 1], batched (histories of one batch must
    have the same length, which the splits' fixed history size guarantees)."""
    steps = settings.steps or model.config.default_steps
    outputs = []
    total = len(history)
    for start in range(0, total, settings.batch):
        stop = min(start + settings.batch, total)
        generator = torch.Generator().manual_seed(settings.seed + start)
        with torch.no_grad():
            history_tokens = torch.stack(
                [model.encode_tensor(h).tokens for h in history[start:stop]]
            )
        for _, images in model.sample(
            method, history_tokens, references[start:stop], generator=generator, steps=steps,
            style_strength=settings.style_strength, semantic_strength=settings.semantic_strength,
        ):  # fmt: skip
            if images is not None:
                outputs.append(images.cpu())
        if progress is not None:
            progress(label or method, stop, total)
    return torch.cat(outputs)


@dataclass
class CaseScores:
    """Per-case verdicts of one judge on N outputs (bool ``[N]`` unless said otherwise)."""

    style_correct: torch.Tensor
    style_is_reference: torch.Tensor
    shape_correct: torch.Tensor
    outline_width_correct: torch.Tensor
    fill_correct: torch.Tensor
    semantic_correct: torch.Tensor
    semantics_from_history: torch.Tensor
    background_delta_e: torch.Tensor  # float [N]
    history_similarity: torch.Tensor  # float [N]
    reference_similarity: torch.Tensor  # float [N]


@torch.no_grad()
def similarities(
    model: MiniModel, outputs: torch.Tensor, history: list[torch.Tensor], references: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean cosine of the frozen encoder's pooled embeddings: output vs each history image,
    and output vs the reference (the paper's personalization scores, with our encoder)."""
    encode = model.encode_tensor
    out_pooled = encode(outputs).pooled
    ref_pooled = encode(references).pooled
    hist_pooled = torch.stack([encode(h).pooled for h in history])  # [N, 6, D]
    history_similarity = F.cosine_similarity(out_pooled[:, None], hist_pooled, dim=-1).mean(1)
    reference_similarity = F.cosine_similarity(out_pooled, ref_pooled, dim=-1)
    return history_similarity.cpu(), reference_similarity.cpu()


def border_colors(images: torch.Tensor, width: int = 3) -> np.ndarray:
    """The median colour of each image's outer frame ``width`` pixels wide: ``[N, 3]`` 0..255.

    Stickers leave their frame to the background (the character never reaches it)."""
    x = images.clamp(0, 1) * 255
    frame = torch.cat(
        [
            x[:, :, :width].flatten(2),
            x[:, :, -width:].flatten(2),
            x[:, :, :, :width].flatten(2),
            x[:, :, :, -width:].flatten(2),
        ],
        dim=2,
    )
    return frame.median(dim=2).values.numpy()


@torch.no_grad()
def score_outputs(
    judges: Judges,
    cases: list[EvalCase],
    outputs: torch.Tensor,
    similarity: tuple[torch.Tensor, torch.Tensor],
) -> CaseScores:
    """Judge N outputs ``[N, 3, R, R]`` against their cases."""
    predictions = judges.predict(outputs)
    candidates = [[c.style, c.reference_style, *c.distractor_styles] for c in cases]
    choice = judges.style_scores(predictions, candidates).argmax(dim=1)
    predicted = judges.semantics(predictions)
    semantic_correct = [p == c.target_semantics for p, c in zip(predicted, cases, strict=True)]
    from_history = [
        p != c.target_semantics and p in c.history_semantics
        for p, c in zip(predicted, cases, strict=True)
    ]
    fields = {}
    for name, values in stickers.STYLE_CHOICES.items():
        truth = torch.tensor([values.index(getattr(c.style, name)) for c in cases])
        fields[name] = predictions[name].argmax(-1) == truth
    background = delta_e(border_colors(outputs), np.array([c.style.background for c in cases]))
    return CaseScores(
        style_correct=choice == 0,
        style_is_reference=choice == 1,
        shape_correct=fields["shape"],
        outline_width_correct=fields["outline_width"],
        fill_correct=fields["fill"],
        semantic_correct=torch.tensor(semantic_correct),
        semantics_from_history=torch.tensor(from_history),
        background_delta_e=torch.from_numpy(background).float(),
        history_similarity=similarity[0],
        reference_similarity=similarity[1],
    )


def wilson_interval(successes: int, total: int, z: float = 1.959964) -> tuple[float, float]:
    """The 95 % Wilson score interval of a proportion (``(0, 1)`` for no trials)."""
    if total == 0:
        return (0.0, 1.0)
    p = successes / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def summarize(scores: CaseScores, mask: torch.Tensor) -> dict[str, object]:
    """Rates (with Wilson intervals) and means over the cases in ``mask``; ``None`` (JSON
    null) values when it selects no case."""
    count = int(mask.sum())
    rates = {
        "style_accuracy": scores.style_correct,
        "shape_accuracy": scores.shape_correct,
        "outline_width_accuracy": scores.outline_width_correct,
        "fill_accuracy": scores.fill_correct,
        "semantic_accuracy": scores.semantic_correct,
        "reference_style_rate": scores.style_is_reference,
        "history_semantics_rate": scores.semantics_from_history,
        "collapse_rate": scores.style_is_reference | scores.semantics_from_history,
    }
    result: dict[str, object] = {"cases": count}
    for name, values in rates.items():
        hits = int(values[mask].sum())
        result[name] = round(hits / count, 4) if count else None
        result[f"{name}_ci95"] = [round(v, 4) for v in wilson_interval(hits, count)]

    def mean(values: torch.Tensor) -> float | None:
        return round(values[mask].float().mean().item(), 4) if count else None

    result["background_delta_e"] = mean(scores.background_delta_e)
    result["background_within_10"] = mean(scores.background_delta_e <= BACKGROUND_TOLERANCE)
    result["history_similarity"] = mean(scores.history_similarity)
    result["reference_similarity"] = mean(scores.reference_similarity)
    return result


def cell_name(cell: tuple[str, str, str]) -> str:
    return "/".join(cell)


def summarize_by_cell(scores: CaseScores, cases: list[EvalCase]) -> dict[str, object]:
    """``all``, ``cells`` (keyed ``palette/combination/history``) and the two contrast
    groups."""
    below = torch.tensor([c.below_contrast_floor for c in cases])
    cells = {}
    for cell in CELLS:
        mask = torch.tensor([c.cell == cell for c in cases])
        if mask.any():
            cells[cell_name(cell)] = summarize(scores, mask)
    return {
        "all": summarize(scores, torch.ones(len(cases), dtype=torch.bool)),
        "cells": cells,
        "above_contrast_floor": summarize(scores, ~below),
        "below_contrast_floor": summarize(scores, below),
    }


@torch.no_grad()
def autoencoder_fidelity(
    model: MiniModel, judge_sets: list[Judges], cases: list[EvalCase], targets: torch.Tensor
) -> dict:
    """Each judge on the model space's reconstructions of clean renders ``[N, 3, 64, 64]``:
    its accuracy there and its agreement with itself on the renders (see the schema)."""
    reconstructions = torch.cat(
        [
            model.space.decode(model.space.encode(chunk.to(model.device))).cpu()
            for chunk in targets.split(120)
        ]
    )
    verdicts = {
        "style_accuracy": "style_correct",
        "shape_accuracy": "shape_correct",
        "outline_width_accuracy": "outline_width_correct",
        "fill_accuracy": "fill_correct",
        "semantic_accuracy": "semantic_correct",
    }
    result = {}
    for k, judges in enumerate(judge_sets):
        clean = judge_scores(judges, cases, targets)
        rebuilt = judge_scores(judges, cases, reconstructions)
        agreement = {
            rate: round(float((getattr(clean, f) == getattr(rebuilt, f)).float().mean()), 4)
            for rate, f in verdicts.items()
        }
        result[JUDGE_FILES[k]] = {
            "reconstructions": accuracy_summary(rebuilt, cases),
            "agreement": agreement,
        }
    return result


@torch.no_grad()
def judge_accuracy(judges: Judges, cases: list[EvalCase], targets: torch.Tensor) -> dict:
    """One judge on clean renders of the targets (its ceiling), overall and per cell."""
    return accuracy_summary(judge_scores(judges, cases, targets), cases)


def judge_scores(judges: Judges, cases: list[EvalCase], images: torch.Tensor) -> CaseScores:
    """The judge's verdicts on images that are no method's output (no similarities)."""
    no_similarity = (torch.zeros(len(cases)), torch.zeros(len(cases)))
    return score_outputs(judges, cases, images, no_similarity)


def accuracy_summary(scores: CaseScores, cases: list[EvalCase]) -> dict:
    """The accuracy rates of ``scores``, overall, per cell and per contrast group."""
    summary = summarize_by_cell(scores, cases)
    keep = ("cases", *RATES[:5])

    def trim(values: dict) -> dict:
        return {k: values[k] for k in keep}

    return {
        "all": trim(summary["all"]),
        "cells": {name: trim(values) for name, values in summary["cells"].items()},
        "above_contrast_floor": trim(summary["above_contrast_floor"]),
        "below_contrast_floor": trim(summary["below_contrast_floor"]),
    }
