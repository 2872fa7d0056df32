"""Specification of the sticker data: training pools and the fixed held-out split."""

from __future__ import annotations

import pytest
import torch

from drc_desktop.core import stickers
from drc_desktop.ml.sticker_data import (
    ALL_COMBINATIONS,
    HELD_OUT_COMBINATIONS,
    MODEL_RESOLUTION,
    TRAIN_COMBINATIONS,
    held_out_cases,
    render_pool,
    style_vector,
    validation_cases,
)

COUNT, HISTORY = 24, 4


@pytest.fixture(scope="module")
def cases():
    return held_out_cases(COUNT, history_size=HISTORY)


def test_held_out_split_has_the_requested_number_of_cases(cases):
    assert len(cases) == COUNT


def test_history_has_distinct_semantics_that_never_show_the_target(cases):
    for case in cases:
        assert len(case.history_semantics) == HISTORY
        assert len(set(case.history_semantics)) == HISTORY
        assert case.target_semantics not in case.history_semantics


def test_half_the_cases_use_style_combinations_never_trained_on(cases):
    held_out = [case.style.combination in HELD_OUT_COMBINATIONS for case in cases]
    assert sum(held_out) == COUNT // 2
    assert all(held_out[0::2])
    assert not any(held_out[1::2])


def test_held_out_combinations_are_never_training_combinations():
    assert not set(HELD_OUT_COMBINATIONS) & set(TRAIN_COMBINATIONS)
    assert set(HELD_OUT_COMBINATIONS) | set(TRAIN_COMBINATIONS) == set(ALL_COMBINATIONS)
    # Every shape and every fill appears among the held-out combinations.
    assert {shape for shape, _, _ in HELD_OUT_COMBINATIONS} == set(stickers.SHAPES)
    assert {fill for _, _, fill in HELD_OUT_COMBINATIONS} == set(stickers.FILLS)


def test_the_split_is_stable(cases):
    assert held_out_cases(COUNT, history_size=HISTORY) == cases
    assert held_out_cases(COUNT // 2, history_size=HISTORY) == cases[: COUNT // 2]


def test_cases_render_history_reference_and_target(cases):
    case = cases[0]
    assert len(case.history_images()) == HISTORY
    assert case.reference_image().tobytes() != case.target_image().tobytes()
    assert case.reference_style != case.style
    assert len(case.distractor_styles) == 3


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


def test_validation_split_uses_only_training_combinations_and_its_own_palettes():
    validation = validation_cases(20)
    held_out = held_out_cases(20)
    assert len(validation) == 20
    assert all(case.style.combination in TRAIN_COMBINATIONS for case in validation)
    held_out_palettes = {case.style.body for case in held_out}
    assert not held_out_palettes & {case.style.body for case in validation}
    assert validation == validation_cases(20)
