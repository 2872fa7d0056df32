"""The central claim, guarded in CI (issue #10 §5): the *shipped* drc-mini personalizes.

A fixed slice of the v2 held-out split (2 cases in each of the 12 cells: both palette
sources, trained and held-out combinations, every history kind) is generated with the shipped
model and graded by the shipped judges, deterministically. The floors sit just below what the
shipped model measures on this slice (docs/evaluation.md, "CI guard"); a model or code change
that breaks personalization, or lets the entangled baseline catch up, fails here.
"""

from __future__ import annotations

import pytest
import torch

from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, MiniModel
from drc_desktop.ml.builtin.evaluation import (
    EvalSettings,
    generate_outputs,
    load_judges,
    score_outputs,
    similarities,
    summarize,
)
from drc_desktop.ml.builtin.sticker_data import held_out_cases, images_to_tensor

PER_CELL = 2
# The shipped model (drc-mini v2.4) on this slice measured style 0.833, semantics 1.000,
# collapse 0.000, against entangled's semantics 0.458 (docs/evaluation.md, "CI guard"); the
# floors sit one case (1/24) below, the collapse ceiling one case above. The margin over
# entangled measured 0.542; its floor is the 0.25.
DRC_FLOORS = {"style_accuracy": 0.79, "semantic_accuracy": 0.95}
DRC_COLLAPSE_CEILING = 0.05
ENTANGLED_SEMANTIC_MARGIN = 0.25


@pytest.fixture(scope="module")
def slice_scores() -> dict[str, dict]:
    model = MiniModel.load(BUILTIN_MODEL_DIR, methods=("drc", "entangled"))
    judges = load_judges(BUILTIN_MODEL_DIR)
    cases = held_out_cases(PER_CELL)
    history = [images_to_tensor(case.history_images()) for case in cases]
    references = images_to_tensor([case.reference_image() for case in cases])
    settings = EvalSettings(per_cell=PER_CELL, batch=len(cases))
    everything = torch.ones(len(cases), dtype=torch.bool)
    results = {}
    for method in ("drc", "entangled"):
        outputs = generate_outputs(model, method, history, references, settings, None)
        similarity = similarities(model, outputs, history, references)
        results[method] = summarize(score_outputs(judges, cases, outputs, similarity), everything)
    return results


def test_the_slice_covers_every_cell():
    cells = {case.cell for case in held_out_cases(PER_CELL)}
    assert len(cells) == 12


def test_the_shipped_drc_keeps_the_style_and_carries_the_semantics(slice_scores):
    drc = slice_scores["drc"]
    for name, floor in DRC_FLOORS.items():
        assert drc[name] >= floor, (name, drc[name])
    assert drc["collapse_rate"] <= DRC_COLLAPSE_CEILING, drc["collapse_rate"]


def test_the_shipped_drc_beats_the_entangled_baseline_on_semantics(slice_scores):
    drc, entangled = slice_scores["drc"], slice_scores["entangled"]
    margin = drc["semantic_accuracy"] - entangled["semantic_accuracy"]
    assert margin >= ENTANGLED_SEMANTIC_MARGIN, slice_scores
