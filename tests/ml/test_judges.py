"""Specification of the evaluation judges' scoring (forced choice of style, semantics)."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
import torch

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.judges import CHOICE_SIZES, AttributeNet, Judges
from drc_desktop.ml.builtin.sticker_data import style_vector

CANDIDATES = 4


@pytest.fixture(scope="module")
def candidates() -> list[list[stickers.StickerStyle]]:
    rng = random.Random(0)
    return [[stickers.sample_style(rng) for _ in range(CANDIDATES)] for _ in range(3)]


def predictions_for(colors: torch.Tensor, logits: dict[str, torch.Tensor] | None = None):
    """Hand-made judge output: given colours and uniform choice logits unless overridden."""
    batch = colors.shape[0]
    out = {"colors": colors}
    out.update({name: torch.zeros(batch, size) for name, size in CHOICE_SIZES.items()})
    out.update(logits or {})
    return out


def test_style_scores_have_one_score_per_candidate(candidates):
    predictions = predictions_for(torch.full((3, 12), 0.5))
    assert Judges.style_scores(predictions, candidates).shape == (3, CANDIDATES)


def test_the_candidate_whose_colours_were_predicted_scores_highest(candidates):
    chosen = [2, 0, 3]
    colors = torch.stack(
        [
            torch.from_numpy(style_vector(styles[k])[:12])
            for styles, k in zip(candidates, chosen, strict=True)
        ]
    )
    scores = Judges.style_scores(predictions_for(colors), candidates)
    assert scores.argmax(dim=1).tolist() == chosen


def test_choice_predictions_break_ties_between_candidates_of_equal_colours():
    base = stickers.sample_style(random.Random(1), (("round", "2", "solid"),))
    styles = [replace(base, shape=shape) for shape in stickers.SHAPES]
    colors = torch.from_numpy(style_vector(base)[:12])[None]
    shape_logits = torch.full((1, len(stickers.SHAPES)), -5.0)
    shape_logits[0, stickers.SHAPES.index("cat")] = 5.0
    scores = Judges.style_scores(predictions_for(colors, {"shape": shape_logits}), [styles])
    assert styles[scores.argmax().item()].shape == "cat"


def test_semantics_are_the_most_likely_emotion_and_action():
    emotion = torch.zeros(2, len(stickers.EMOTIONS))
    action = torch.zeros(2, len(stickers.ACTIONS))
    emotion[0, stickers.EMOTIONS.index("sad")] = 3.0
    action[0, stickers.ACTIONS.index("heart")] = 3.0
    emotion[1, stickers.EMOTIONS.index("sleepy")] = 3.0
    action[1, stickers.ACTIONS.index("waving")] = 3.0
    predictions = predictions_for(torch.zeros(2, 12), {"emotion": emotion, "action": action})
    assert Judges.semantics(predictions) == [
        stickers.StickerSemantics("sad", "heart"),
        stickers.StickerSemantics("sleepy", "waving"),
    ]


def test_judge_network_predicts_every_attribute():
    torch.manual_seed(0)
    judges = Judges(AttributeNet(dim=16))
    out = judges.predict(torch.rand(2, 3, 64, 64))
    assert out["colors"].shape == (2, 12)
    assert out["colors"].min() >= 0 and out["colors"].max() <= 1
    for name, size in CHOICE_SIZES.items():
        assert out[name].shape == (2, size)
    assert all(not p.requires_grad for p in judges.model.parameters())
