"""``drc eval --suite stickers``: personalization and guidance collapse on the held-out split.

Every case (``sticker_data.held_out_cases``) gives a user's history (6 images of one style with
varied semantics), a reference (the target semantics in another style) and the true target.
Each method makes one image per case; the judges (trained apart, ``judges.py``) grade it.

Report schema (``REPORT_SCHEMA_VERSION``; docs/evaluation.md):

- ``settings``: cases, steps, seed, strengths, model folder, device;
- ``judges``: the judges on clean renders of the targets: ``style_accuracy`` (forced choice),
  ``semantic_accuracy`` and per-field accuracies;
- ``methods``: for each of ``drc``, ``entangled``, ``reference_only``:
  ``style_accuracy`` (forced choice among history style, reference style and distractors picks
  the history's), ``semantic_accuracy`` (emotion and action both right), ``collapse_rate``
  (the output takes the reference's style, or a history image's semantics instead of the
  target's), ``history_similarity`` and ``reference_similarity`` (mean cosine of the frozen
  encoder's pooled embeddings), ``seconds_per_image``, and the same accuracies for the cases
  with held-out style combinations (``held_out_combinations``) and with only new palettes
  (``new_palettes``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F

from drc_desktop.core import stickers
from drc_desktop.core.composition import EVAL_CASES
from drc_desktop.core.errors import ModelError
from drc_desktop.ml.drc_mini import BUILTIN_MODEL_DIR, MiniModel
from drc_desktop.ml.judges import AttributeNet, Judges
from drc_desktop.ml.model_files import load_weights
from drc_desktop.ml.sticker_data import (
    HELD_OUT_COMBINATIONS,
    EvalCase,
    held_out_cases,
    images_to_tensor,
    validation_cases,
)

REPORT_SCHEMA_VERSION = 1
GENERATOR_METHODS = ("drc", "entangled")
ALL_METHODS = (*GENERATOR_METHODS, "reference_only")
SPLITS = {"held-out": held_out_cases, "validation": validation_cases}


@dataclass
class EvalSettings:
    """Everything that affects a report (saved in its ``settings``)."""

    cases: int = EVAL_CASES
    steps: int | None = None
    seed: int = 0
    style_strength: float = 1.0
    semantic_strength: float = 1.0
    batch: int = 60
    split: str = "held-out"  # or "validation" (for choosing settings)
    device: str = "cpu"
    methods: tuple[str, ...] = ALL_METHODS


def load_judges(folder: Path) -> Judges:
    """The judges saved in a model folder (``drc train judges``); ``ModelError`` if absent."""
    if not (folder / "judges.safetensors").is_file():
        raise ModelError(f"{folder}: no judges.safetensors (run `drc train judges --out {folder}`)")
    model = AttributeNet()
    load_weights(folder / "judges.safetensors", {"judges": model})
    return Judges(model)


def evaluate(
    folder: Path = BUILTIN_MODEL_DIR,
    settings: EvalSettings | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict:
    """Run the suite and return the report (see the module docstring for its schema)."""
    settings = settings or EvalSettings()
    generators = tuple(m for m in settings.methods if m in GENERATOR_METHODS)
    model = MiniModel.load(folder, methods=generators).to(settings.device)
    judges = load_judges(folder)  # judges run on the CPU: they are small
    if settings.split not in SPLITS:
        raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {settings.split!r}")
    cases = SPLITS[settings.split](settings.cases)
    history = [images_to_tensor(case.history_images()) for case in cases]  # N x [6, 3, R, R]
    references = images_to_tensor([case.reference_image() for case in cases])
    targets = images_to_tensor([case.target_image() for case in cases])
    held_out = torch.tensor([c.style.combination in HELD_OUT_COMBINATIONS for c in cases])

    report = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "settings": {
            **asdict(settings),
            "steps": settings.steps or model.config.default_steps,
            "model": str(folder),
            "device": str(model.device),
            "style_guidance": model.config.style_guidance,
            "semantic_guidance": model.config.semantic_guidance,
        },
        "judges": judge_accuracy(judges, cases, targets),
        "methods": {},
    }
    for method in settings.methods:
        started = time.perf_counter()
        if method == "reference_only":
            outputs = references
        else:
            outputs = generate_outputs(model, method, history, references, settings, progress)
        seconds = (time.perf_counter() - started) / len(cases)
        scores = score_outputs(model, judges, cases, outputs, history, references)
        result = summarize(scores, torch.ones(len(cases), dtype=torch.bool))
        result["seconds_per_image"] = round(seconds, 4)
        result["held_out_combinations"] = summarize(scores, held_out)
        result["new_palettes"] = summarize(scores, ~held_out)
        report["methods"][method] = result
    return report


def generate_outputs(
    model: MiniModel,
    method: str,
    history: list[torch.Tensor],
    references: torch.Tensor,
    settings: EvalSettings,
    progress: Callable[[str, int, int], None] | None,
) -> torch.Tensor:
    """One image per case, ``[N, 3, R, R]`` in [0, 1], batched."""
    steps = settings.steps or model.config.default_steps
    outputs = []
    total = len(history)
    for start in range(0, total, settings.batch):
        stop = min(start + settings.batch, total)
        generator = torch.Generator().manual_seed(settings.seed + start)
        with torch.no_grad():
            history_tokens = torch.stack(
                [model.encoder.encode(h.to(model.device)).tokens for h in history[start:stop]]
            )
        for _, images in model.sample(
            method, history_tokens, references[start:stop], generator=generator, steps=steps,
            style_strength=settings.style_strength, semantic_strength=settings.semantic_strength,
        ):  # fmt: skip
            if images is not None:
                outputs.append(images.cpu())
        if progress is not None:
            progress(method, stop, total)
    return torch.cat(outputs)


@dataclass
class CaseScores:
    style_correct: torch.Tensor  # [N] bool
    style_is_reference: torch.Tensor  # [N] bool
    semantic_correct: torch.Tensor  # [N] bool
    semantics_from_history: torch.Tensor  # [N] bool
    history_similarity: torch.Tensor  # [N] float
    reference_similarity: torch.Tensor  # [N] float


@torch.no_grad()
def score_outputs(
    model: MiniModel,
    judges: Judges,
    cases: list[EvalCase],
    outputs: torch.Tensor,
    history: list[torch.Tensor],
    references: torch.Tensor,
) -> CaseScores:
    """Judge N outputs ``[N, 3, R, R]`` against their cases (history ``N x [6, 3, R, R]``,
    references ``[N, 3, R, R]``)."""
    predictions = judges.predict(outputs)
    candidates = [[c.style, c.reference_style, *c.distractor_styles] for c in cases]
    choice = judges.style_scores(predictions, candidates).argmax(dim=1)
    predicted = judges.semantics(predictions)
    semantic_correct = [p == c.target_semantics for p, c in zip(predicted, cases, strict=True)]
    from_history = [
        p != c.target_semantics and p in c.history_semantics
        for p, c in zip(predicted, cases, strict=True)
    ]
    encode = model.encoder.encode
    out_pooled = encode(outputs.to(model.device)).pooled
    ref_pooled = encode(references.to(model.device)).pooled
    hist_pooled = torch.stack([encode(h.to(model.device)).pooled for h in history])  # [N, 6, D]
    history_similarity = F.cosine_similarity(out_pooled[:, None], hist_pooled, dim=-1).mean(1)
    reference_similarity = F.cosine_similarity(out_pooled, ref_pooled, dim=-1)
    return CaseScores(
        style_correct=choice == 0,
        style_is_reference=choice == 1,
        semantic_correct=torch.tensor(semantic_correct),
        semantics_from_history=torch.tensor(from_history),
        history_similarity=history_similarity.cpu(),
        reference_similarity=reference_similarity.cpu(),
    )


def summarize(scores: CaseScores, mask: torch.Tensor) -> dict[str, float | None]:
    """Means over the cases in ``mask``; ``None`` (JSON null) when it selects no case."""

    def mean(values: torch.Tensor) -> float | None:
        return round(values[mask].float().mean().item(), 4) if mask.any() else None

    collapse = scores.style_is_reference | scores.semantics_from_history
    return {
        "cases": int(mask.sum()),
        "style_accuracy": mean(scores.style_correct),
        "semantic_accuracy": mean(scores.semantic_correct),
        "collapse_rate": mean(collapse),
        "history_similarity": mean(scores.history_similarity),
        "reference_similarity": mean(scores.reference_similarity),
    }


@torch.no_grad()
def judge_accuracy(judges: Judges, cases: list[EvalCase], targets: torch.Tensor) -> dict:
    """The judges on clean renders of the targets (their ceiling)."""
    predictions = judges.predict(targets)
    candidates = [[c.style, c.reference_style, *c.distractor_styles] for c in cases]
    choice = judges.style_scores(predictions, candidates).argmax(dim=1)
    result = {"cases": len(cases), "style_accuracy": round((choice == 0).float().mean().item(), 4)}
    predicted = judges.semantics(predictions)
    result["semantic_accuracy"] = round(
        sum(p == c.target_semantics for p, c in zip(predicted, cases, strict=True)) / len(cases), 4
    )
    for name, values in stickers.STYLE_CHOICES.items():
        truth = torch.tensor([values.index(getattr(c.style, name)) for c in cases])
        result[f"{name}_accuracy"] = round(
            (predictions[name].argmax(-1) == truth).float().mean().item(), 4
        )
    return result
