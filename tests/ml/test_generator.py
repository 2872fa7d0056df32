"""Specification of the generator: compositional guidance, strengths and guided sampling."""

from __future__ import annotations

import argparse

import pytest
import torch

from drc_desktop.cli.arguments import strength
from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.ml.builtin.generator import (
    STRENGTH_RANGE,
    GuidanceInputs,
    build_unet,
    check_strength,
    denoise,
    guided_prediction,
)
from drc_desktop.ml.drc.fusion import LatentInstruction

RESOLUTION, CHANNELS, DIM, POOLED = 32, (8, 16, 16), 16, 16
BATCH, STEPS = 2, 3


# ----------------------------------------------------------------------------- guidance


@pytest.fixture
def predictions() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(0)
    return tuple(torch.randn(BATCH, 3, 4, 4, generator=generator) for _ in range(3))


def test_unit_weights_give_the_full_conditional_prediction(predictions):
    full = predictions[2]
    torch.testing.assert_close(guided_prediction(torch.cat(predictions), 1.0, 1.0), full)


def test_zero_weights_give_the_unconditional_prediction(predictions):
    uncond, _, _ = predictions
    torch.testing.assert_close(guided_prediction(torch.cat(predictions), 0.0, 0.0), uncond)


def test_style_weight_alone_gives_the_style_only_prediction(predictions):
    _, style_only, _ = predictions
    torch.testing.assert_close(guided_prediction(torch.cat(predictions), 1.0, 0.0), style_only)


def test_guidance_is_linear_in_the_predictions(predictions):
    other = [torch.randn_like(p) for p in predictions]
    a, b = 0.7, -1.3
    combined = torch.cat([a * p + b * q for p, q in zip(predictions, other, strict=True)])
    guided = guided_prediction(combined, 1.5, 0.4)
    expected = a * guided_prediction(torch.cat(predictions), 1.5, 0.4) + b * guided_prediction(
        torch.cat(other), 1.5, 0.4
    )
    torch.testing.assert_close(guided, expected)


def test_guidance_extrapolates_linearly_in_each_weight(predictions):
    stacked = torch.cat(predictions)
    for weights in [(0.0, 1.0), (1.0, 0.0), (0.5, 1.5)]:
        at_zero = guided_prediction(stacked, 0.0, 0.0)
        at_one = guided_prediction(stacked, *weights)
        at_two = guided_prediction(stacked, 2 * weights[0], 2 * weights[1])
        torch.testing.assert_close(at_two - at_one, at_one - at_zero, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("value", [-0.1, 2.1, float("inf")])
def test_strength_outside_the_documented_range_is_rejected(value):
    with pytest.raises(ValueError, match="style strength"):
        check_strength("style strength", value)


@pytest.mark.parametrize("value", [STRENGTH_RANGE[0], 1, STRENGTH_RANGE[1]])
def test_strength_at_the_range_ends_is_accepted(value):
    result = check_strength("semantic strength", value)
    assert result == value
    assert isinstance(result, float)


@pytest.mark.parametrize(
    "value, accepted", [(0.0, True), (2.0, True), (-0.01, False), (2.01, False)]
)
def test_requests_the_cli_and_the_sampler_accept_the_documented_range_of_0_to_2(value, accepted):
    """One range wherever a strength enters (docs: 0 ignores a part, 2 doubles its guidance)."""
    checks = (
        lambda: check_strength("style strength", value),
        lambda: strength(str(value)),
        lambda: GenerationRequest(profile_id=1, style_strength=value),
    )
    outcomes = []
    for check in checks:
        try:
            check()
            outcomes.append(True)
        except (ValueError, argparse.ArgumentTypeError, InputError):
            outcomes.append(False)
    assert outcomes == [accepted] * len(checks)


# ----------------------------------------------------------------------------- sampling


@pytest.fixture(scope="module")
def unet():
    torch.manual_seed(0)
    return build_unet(RESOLUTION, CHANNELS, DIM, POOLED).eval()


@pytest.fixture(scope="module")
def inputs() -> GuidanceInputs:
    generator = torch.Generator().manual_seed(0)

    def instruction() -> LatentInstruction:
        return LatentInstruction(
            torch.randn(BATCH, 8, DIM, generator=generator),
            torch.randn(BATCH, POOLED, generator=generator),
        )

    return GuidanceInputs(instruction(), instruction(), instruction())


def sample(unet, inputs, seed: int, steps: int = STEPS, should_stop=None) -> list:
    with torch.no_grad():
        return list(
            denoise(
                unet,
                inputs,
                style_weight=2.0,
                semantic_weight=2.0,
                steps=steps,
                generator=torch.Generator().manual_seed(seed),
                should_stop=should_stop,
            )
        )


@pytest.mark.parametrize(
    "weights, condition",
    [((0.0, 0.0), "unconditional"), ((1.0, 0.0), "style_only"), ((1.0, 1.0), "full")],
)
def test_at_these_weights_guided_sampling_follows_one_condition_alone(
    unet, inputs, weights, condition
):
    """The loop hands each condition's prediction to its own place in the guidance formula:
    the guided sample equals the sample made from that one condition."""
    alone = getattr(inputs, condition)

    def final(conditions: GuidanceInputs) -> torch.Tensor:
        with torch.no_grad():
            *_, (_, sample) = denoise(
                unet, conditions, style_weight=weights[0], semantic_weight=weights[1], steps=2,
                generator=torch.Generator().manual_seed(3),
            )  # fmt: skip
        return sample

    torch.testing.assert_close(
        final(inputs), final(GuidanceInputs(alone, alone, alone)), atol=1e-4, rtol=1e-4
    )


def test_sampling_reports_every_step_then_yields_the_sample(unet, inputs):
    results = sample(unet, inputs, seed=0)
    assert [step for step, _ in results] == list(range(1, STEPS + 1))
    assert all(images is None for _, images in results[:-1])
    final = results[-1][1]
    assert final.shape == (BATCH, unet.config.in_channels, RESOLUTION, RESOLUTION)
    assert torch.isfinite(final).all()


def test_sampling_is_deterministic_for_a_seed(unet, inputs):
    assert torch.equal(sample(unet, inputs, seed=7)[-1][1], sample(unet, inputs, seed=7)[-1][1])


def test_different_seeds_give_different_images(unet, inputs):
    first, second = sample(unet, inputs, seed=1)[-1][1], sample(unet, inputs, seed=2)[-1][1]
    assert (first - second).abs().mean() > 1e-3


def test_sampling_stops_early_when_asked(unet, inputs):
    calls = []

    def stop_after_first_step() -> bool:
        calls.append(None)
        return len(calls) >= 2

    results = sample(unet, inputs, seed=0, steps=5, should_stop=stop_after_first_step)
    assert results == [(1, None)]
    assert len(calls) == 2


def test_sampling_needs_at_least_one_step(unet, inputs):
    with pytest.raises(ValueError, match="steps"):
        sample(unet, inputs, seed=0, steps=0)


def test_a_single_step_yields_only_the_images(unet, inputs):
    results = sample(unet, inputs, seed=0, steps=1)
    assert len(results) == 1
    assert results[0][0] == 1
    assert results[0][1].shape == (BATCH, 3, RESOLUTION, RESOLUTION)
