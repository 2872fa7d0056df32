"""The generator: a diffusers ``UNet2DConditionModel`` that follows latent instructions.

drc-mini v2's UNet works on the 16x16x4 latents of the project's sticker autoencoder
(``ml/builtin/autoencoder.py``; v1 worked on 32x32 pixels; docs/method.md says why), with
cross-attention at its lower resolutions and the pooled instruction added to the time
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
from drc_desktop.ml.drc.fusion import LatentInstruction
from drc_desktop.ml.drc.guidance import compose_guidance

SCHEDULE = {
    "num_train_timesteps": 1000,
    "beta_schedule": "squaredcos_cap_v2",
    "prediction_type": "v_prediction",
}


def build_unet(
    sample_size: int,
    channels: tuple[int, ...],
    instruction_dim: int,
    pooled_dim: int,
    in_channels: int = 3,
    attention_levels: int = 1,
) -> UNet2DConditionModel:
    """A small UNet on ``[B, in_channels, sample_size, sample_size]``; cross-attention at the
    ``attention_levels`` lowest resolutions only (speed, issue #2 §3)."""
    levels = len(channels)
    plain = levels - attention_levels
    return UNet2DConditionModel(
        sample_size=sample_size,
        in_channels=in_channels,
        out_channels=in_channels,
        block_out_channels=tuple(channels),
        down_block_types=("DownBlock2D",) * plain + ("CrossAttnDownBlock2D",) * attention_levels,
        up_block_types=("CrossAttnUpBlock2D",) * attention_levels + ("UpBlock2D",) * plain,
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
    and finally ``(steps, sample)`` with the denoised sample ``[B, C, S, S]`` in the UNet's
    space (the autoencoder's latents for drc-mini v2).

    Stops early (yielding nothing more) when ``should_stop()`` turns true.
    """
    if steps < 1:
        raise ValueError(f"steps must be at least 1, got {steps}")
    scheduler = sampling_scheduler()
    scheduler.set_timesteps(steps)
    size, channels = unet.config.sample_size, unet.config.in_channels
    batch = inputs.full.tokens.shape[0]
    device = inputs.full.tokens.device
    noise = torch.randn((batch, channels, size, size), generator=generator, device="cpu")
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
    yield steps, sample


def min_snr_weights(
    scheduler: DDPMScheduler, timesteps: torch.Tensor, gamma: float
) -> torch.Tensor:
    """Per-sample loss weights ``[B]`` of min-SNR-gamma for v-prediction (Hang et al. 2023):
    ``min(SNR, gamma) / (SNR + 1)``; ``gamma <= 0`` gives uniform weights (ones)."""
    if gamma <= 0:
        return torch.ones(timesteps.shape, device=timesteps.device)
    alphas = scheduler.alphas_cumprod.to(timesteps.device)[timesteps]
    snr = alphas / (1 - alphas)
    return snr.clamp(max=gamma) / (snr + 1)
