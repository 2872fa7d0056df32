"""Specification of the sticker data: training pools and the fixed held-out split."""

from __future__ import annotations

import random

import pytest
import torch

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.sticker_data import (
    ALL_COMBINATIONS,
    CELLS,
    EVAL_HISTORY_SIZE,
    HELD_OUT_COMBINATIONS,
    HISTORY_KINDS,
    MODEL_RESOLUTION,
    TRAIN_COMBINATIONS,
    held_out_cases,
    history_semantics,
    render_pool,
    style_vector,
    validation_cases,
)

PER_CELL = 3


@pytest.fixture(scope="module")
def cases():
    return held_out_cases(PER_CELL)


def test_held_out_split_has_the_requested_number_of_cases_in_every_cell(cases):
    assert len(cases) == PER_CELL * len(CELLS) == PER_CELL * 12
    for cell in CELLS:
        assert sum(case.cell == cell for case in cases) == PER_CELL
    # Interleaved: any prefix of 12 cases covers every cell once.
    assert {case.cell for case in cases[:12]} == set(CELLS)


def test_each_case_style_matches_its_cell(cases):
    for case in cases:
        held_out = case.style.combination in HELD_OUT_COMBINATIONS
        assert held_out == (case.combination_kind == "held_out")
        assert case.palette_source in stickers.PALETTE_SOURCES


def test_histories_repeat_semantics_as_their_kind_says_and_never_show_the_target(cases):
    for case in cases:
        shown = set(case.history_semantics)
        assert len(case.history_semantics) == EVAL_HISTORY_SIZE
        assert case.target_semantics not in shown
        expected = {"repeated": {1}, "few": {2, 3}, "distinct": {EVAL_HISTORY_SIZE}}
        assert len(shown) in expected[case.history_kind], case


@pytest.mark.parametrize("kind", HISTORY_KINDS)
@pytest.mark.parametrize("count", [1, 2, 3, 6])
def test_history_semantics_of_every_kind_and_length(kind, count):
    rng = random.Random(count)
    for _ in range(50):
        target = rng.choice(stickers.ALL_SEMANTICS)
        shown = history_semantics(kind, count, target, rng)
        assert len(shown) == count and target not in shown
        distinct = len(set(shown))
        if kind == "repeated":
            assert distinct == 1
        elif kind == "few":
            assert distinct == min(count, 2) or distinct == min(count, 3)
        else:
            assert distinct == count


def test_an_unknown_history_kind_is_rejected():
    with pytest.raises(ValueError, match="history kind"):
        history_semantics("mostly", 3, None, random.Random(0))


def test_two_distractors_share_the_history_palette_with_another_shape_or_fill(cases):
    for case in cases:
        shape, fill, other = case.distractor_styles
        for distractor in (shape, fill):
            assert [getattr(distractor, f) for f in stickers.COLOR_FIELDS] == [
                getattr(case.style, f) for f in stickers.COLOR_FIELDS
            ]
        assert shape.shape != case.style.shape and shape.fill == case.style.fill
        assert fill.fill != case.style.fill and fill.shape == case.style.shape
        assert other != case.style


def test_uniform_palette_cells_reach_colours_the_prior_never_draws(cases):
    uniform = [c.style for c in cases if c.palette_source == "uniform"]
    prior = [c.style for c in cases if c.palette_source == "prior"]
    # The prior's background is always pale (value >= 0.88); uniform ones need not be.
    assert all(min(s.background) >= 0.6 * 255 for s in prior)
    assert any(max(s.background) < 0.6 * 255 for s in uniform)


def test_held_out_combinations_are_never_training_combinations():
    assert not set(HELD_OUT_COMBINATIONS) & set(TRAIN_COMBINATIONS)
    assert set(HELD_OUT_COMBINATIONS) | set(TRAIN_COMBINATIONS) == set(ALL_COMBINATIONS)
    # Every shape and every fill appears among the held-out combinations.
    assert {shape for shape, _, _ in HELD_OUT_COMBINATIONS} == set(stickers.SHAPES)
    assert {fill for _, _, fill in HELD_OUT_COMBINATIONS} == set(stickers.FILLS)


def test_the_split_is_stable(cases):
    assert held_out_cases(PER_CELL) == cases


def test_cases_render_history_reference_and_target(cases):
    case = cases[0]
    assert len(case.history_images()) == EVAL_HISTORY_SIZE
    assert case.reference_image().tobytes() != case.target_image().tobytes()
    assert case.reference_style != case.style
    assert case.target_image().size == (MODEL_RESOLUTION, MODEL_RESOLUTION) == (64, 64)


def test_training_pools_hold_every_semantics_of_training_styles_only():
    pool = render_pool(3, seed=1)
    count = len(stickers.ALL_SEMANTICS)
    assert pool.images.shape == (3, count, 3, MODEL_RESOLUTION, MODEL_RESOLUTION)
    assert pool.images.dtype == torch.uint8
    assert all(style.combination in TRAIN_COMBINATIONS for style in pool.styles)
    assert pool.style_vectors().shape == (3, 15)


def test_style_vector_is_colours_then_choice_indices():
    style = stickers.StickerStyle(
        body=(255, 0, 0),
        accent=(0, 255, 0),
        outline=(0, 0, 0),
        background=(255, 255, 255),
        shape=stickers.SHAPES[2],
        outline_width=stickers.OUTLINE_WIDTHS[1],
        fill=stickers.FILLS[3],
    )
    vector = style_vector(style)
    assert vector.shape == (15,)
    assert list(vector[:3]) == [1.0, 0.0, 0.0]
    assert list(vector[9:12]) == [1.0, 1.0, 1.0]
    assert list(vector[12:]) == [2.0, 1.0, 3.0]


def test_validation_split_has_the_same_cells_and_its_own_palettes(cases):
    validation = validation_cases(PER_CELL)
    assert [case.cell for case in validation] == [case.cell for case in cases]
    assert not {case.style.body for case in cases} & {case.style.body for case in validation}
    assert validation == validation_cases(PER_CELL)


def test_training_pools_mix_the_prior_and_the_whole_colour_space():
    pool = render_pool(60, seed=3)
    dark_backgrounds = sum(max(s.background) < 0.6 * 255 for s in pool.styles)
    assert 5 <= dark_backgrounds <= 40  # about half the styles are uniform; many of those dark
    prior_only = render_pool(20, seed=3, palette_source="prior")
    assert all(min(s.background) >= 0.6 * 255 for s in prior_only.styles)
