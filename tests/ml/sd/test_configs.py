"""The shipped SD 1.5 / SDXL component configs build the real models' parameters (meta device).

Single-file checkpoints carry weights only; ``from_single_file`` would download configs unless
given these. Built on the meta device (no memory, no weights), each component must have the
published parameter count of the real model and key tensors of the real shapes.
"""

from __future__ import annotations

import json

import pytest
import torch
from diffusers import AutoencoderKL, UNet2DConditionModel
from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

from drc_desktop.ml.sd.configs import config_folder

# Parameter counts of the released models (runwayml SD 1.5, stabilityai SDXL base 1.0).
PUBLISHED = {
    ("sd15", "unet"): 859_520_964,
    ("sd15", "vae"): 83_653_863,
    ("sd15", "text_encoder"): 123_060_480,
    ("sdxl", "unet"): 2_567_463_684,
    ("sdxl", "vae"): 83_653_863,
    ("sdxl", "text_encoder"): 123_060_480,
    ("sdxl", "text_encoder_2"): 694_659_840,
}
SHAPES = {
    ("sd15", "unet"): {
        "down_blocks.0.attentions.0.transformer_blocks.0.attn2.to_k.weight": (320, 768),
        "mid_block.attentions.0.proj_in.weight": (1280, 1280, 1, 1),
    },
    ("sdxl", "unet"): {
        "down_blocks.2.attentions.1.transformer_blocks.9.attn2.to_k.weight": (1280, 2048),
        "add_embedding.linear_1.weight": (1280, 2816),
    },
    ("sdxl", "text_encoder_2"): {"text_projection.weight": (1280, 1280)},
}


def build(architecture: str, component: str) -> torch.nn.Module:
    config = json.loads((config_folder(architecture) / component / "config.json").read_text())
    with torch.device("meta"):
        if component == "unet":
            return UNet2DConditionModel.from_config(config)
        if component == "vae":
            return AutoencoderKL.from_config(config)
        with_projection = component == "text_encoder_2"
        model_class = CLIPTextModelWithProjection if with_projection else CLIPTextModel
        return model_class(CLIPTextConfig(**config))


@pytest.mark.parametrize(("architecture", "component"), sorted(PUBLISHED))
def test_shipped_config_builds_the_real_models_parameters(architecture, component):
    model = build(architecture, component)
    assert sum(p.numel() for p in model.parameters()) == PUBLISHED[architecture, component]
    parameters = dict(model.named_parameters())
    for name, shape in SHAPES.get((architecture, component), {}).items():
        assert tuple(parameters[name].shape) == shape, name
