"""The generator: a diffusers ``UNet2DConditionModel`` that follows latent instructions.

The UNet works in pixel space at the model resolution (32x32 for drc-mini; docs/method.md
explains why) with cross-attention only at 8x8 and the pooled instruction added to the time
embedding (``class_embed_type="projection"``). It is trained with v-prediction on a cosine
schedule and sampled with DPM-Solver++.

**Strengths** (one documented range, reused by the diffusers backend): ``style_strength`` and
``semantic_strength`` are in [0, 2]; 0 ignores that part, 1 is the default, 2 doubles its
guidance. With ``G_style``, ``G_sem`` the model's guidance weights at strength 1 (its config),
the prediction is compositional classifier-free guidance over three conditions (no part,
style only, style + semantics):

    v = v(∅,∅) + G_style·s_style·(v(s,∅) − v(∅,∅)) + G_sem·s_sem·(v(s,m) − v(s,∅))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from diffusers import DDPMScheduler, DPMSolverMultistepScheduler, UNet2DConditionModel

from drc_desktop.core.composition import STRENGTH_RANGE
from drc_desktop.ml.fusion import LatentInstruction
from drc_desktop.ml.guidance import compose_guidance

SCHEDULE = {
    "num_train_timesteps": 1000,
    "beta_schedule": "squaredcos_cap_v2",
    "prediction_type": "v_prediction",
}


def build_unet(
    resolution: int, channels: tuple[int, ...], instruction_dim: int, pooled_dim: int
) -> UNet2DConditionModel:
    """A small UNet; cross-attention only at the lowest resolution (speed, issue #2 §3)."""
    levels = len(channels)
    return UNet2DConditionModel(
        sample_size=resolution,
        in_channels=3,
        out_channels=3,
        block_out_channels=tuple(channels),
        down_block_types=("DownBlock2D",) * (levels - 1) + ("CrossAttnDownBlock2D",),
        up_block_types=("CrossAttnUpBlock2D",) + ("UpBlock2D",) * (levels - 1),
        mid_block_type="UNetMidBlock2DCrossAttn",
        layers_per_block=1,
        cross_attention_dim=instruction_dim,
        attention_head_dim=8,
        norm_num_groups=8,
        class_embed_type="projection",
        projection_class_embeddings_input_dim=pooled_dim,
    )


def training_scheduler() -> DDPMScheduler:
    return DDPMScheduler(**SCHEDULE)


def sampling_scheduler() -> DPMSolverMultistepScheduler:
    return DPMSolverMultistepScheduler(**SCHEDULE)


def check_strength(name: str, value: float) -> float:
    low, high = STRENGTH_RANGE
    if not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")
    return float(value)


@dataclass
class GuidanceInputs:
    """The three instructions of compositional guidance, each for B samples."""

    unconditional: LatentInstruction  # (∅, ∅)
    style_only: LatentInstruction  # (s, ∅)
    full: LatentInstruction  # (s, m)

    def stacked(self) -> LatentInstruction:
        return LatentInstruction.cat([self.unconditional, self.style_only, self.full])


def guided_prediction(
    prediction: torch.Tensor, style_weight: float, semantic_weight: float
) -> torch.Tensor:
    """Combine ``[3B, ...]`` predictions (∅∅, s∅, sm) into the guided ``[B, ...]`` prediction."""
    uncond, style_only, full = prediction.chunk(3)
    return compose_guidance(uncond, style_only, full, style_weight, semantic_weight)


def denoise(
    unet: UNet2DConditionModel,
    inputs: GuidanceInputs,
    *,
    style_weight: float,
    semantic_weight: float,
    steps: int,
    generator: torch.Generator,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[tuple[int, torch.Tensor | None]]:
    """Run the guided sampling loop; a generator that yields ``(step, None)`` after each step
    and finally ``(steps, images)`` with images ``[B, 3, R, R]`` in [0, 1].

    Stops early (yielding nothing more) when ``should_stop()`` turns true.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    scheduler = sampling_scheduler()
    scheduler.set_timesteps(steps)
    size = unet.config.sample_size
    batch = inputs.full.tokens.shape[0]
    device = inputs.full.tokens.device
    noise = torch.randn((batch, 3, size, size), generator=generator, device="cpu")
    sample = noise.to(device) * scheduler.init_noise_sigma
    condition = inputs.stacked()
    for index, timestep in enumerate(scheduler.timesteps):
        model_input = torch.cat([sample] * 3)
        prediction = unet(
            model_input,
            timestep,
            encoder_hidden_states=condition.tokens,
            class_labels=condition.pooled,
        ).sample
        guided = guided_prediction(prediction, style_weight, semantic_weight)
        sample = scheduler.step(guided, timestep, sample).prev_sample
        if should_stop is not None and should_stop():
            return
        if index + 1 < steps:
            yield index + 1, None
    yield steps, (sample.clamp(-1, 1) + 1) / 2
