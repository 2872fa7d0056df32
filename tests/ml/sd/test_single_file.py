"""Single-file (A1111/original layout) SD 1.5 checkpoints: loaded with the shipped configs."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from diffusers import AutoencoderKL, DDIMScheduler, UNet2DConditionModel
from diffusers.loaders.single_file_utils import (
    convert_ldm_unet_checkpoint,
    convert_ldm_vae_checkpoint,
)
from PIL import Image

from drc_desktop.core.errors import ModelError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.ml.backend import final_images
from drc_desktop.ml.sd import pipeline
from drc_desktop.ml.sd.formats import ModelKind
from drc_desktop.ml.sd.pipeline import SdBackend
from drc_desktop.services.models import register
from drc_desktop.store.vault import Vault
from tests.ldm_layout import (
    unet_to_ldm,
    vae_to_ldm,
    write_sd15_single_file,
    write_sdxl_single_file,
)


def test_test_converter_is_the_inverse_of_diffusers_conversion(tiny_sd_models):
    """The test-only converter, checked against diffusers' own LDM -> diffusers code."""
    unet = UNet2DConditionModel.from_pretrained(tiny_sd_models["sd15"] / "unet")
    ldm = {f"model.diffusion_model.{k}": v for k, v in unet_to_ldm(unet.state_dict(), 1).items()}
    back = convert_ldm_unet_checkpoint(ldm, dict(unet.config))
    assert back.keys() == unet.state_dict().keys()
    assert all(torch.equal(back[k], v) for k, v in unet.state_dict().items())
    vae = AutoencoderKL.from_pretrained(tiny_sd_models["sd15"] / "vae")
    ldm = {f"first_stage_model.{k}": v for k, v in vae_to_ldm(vae.state_dict(), 2).items()}
    back = convert_ldm_vae_checkpoint(ldm, dict(vae.config))
    assert back.keys() == vae.state_dict().keys()


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_single_file_generates_what_its_diffusers_folder_generates(
    tiny_sd_models, tmp_path, monkeypatch, architecture
):
    write = write_sdxl_single_file if architecture == "sdxl" else write_sd15_single_file
    checkpoint = write(tiny_sd_models[architecture], tmp_path / f"tiny-{architecture}.safetensors")
    # the shipped configs are the real models'; the tiny checkpoint needs the tiny ones
    tiny = tiny_sd_models[architecture]
    monkeypatch.setattr(pipeline, "config_folder", lambda name: tiny)
    with Vault.create(tmp_path / "home", "single file passphrase") as vault:
        register(vault, tiny_sd_models["encoder"], name="encoder")
        register(vault, tiny_sd_models[f"ip-{architecture}"], name="ip")
        single = register(vault, checkpoint, name="single")
        assert single.kind == ModelKind.single_file and single.ip_adapter == "ip"
        with pytest.raises(ModelError, match="has no tokenizer"):
            SdBackend.load(vault.models, single)
        folder = register(vault, tiny, name="folder")
        outputs = []
        for model in (single, folder):
            backend = SdBackend.load(vault.models, model)
            scheduler = backend.pipe.scheduler
            backend.pipe.scheduler = DDIMScheduler.from_config(scheduler.config)  # same on both
            history = backend.describe([Image.new("RGB", (40, 40), (200, 30, 30))])
            request = GenerationRequest(profile_id=1, method="training-free", n=1, steps=2,
                                        size=64, seed=5, prompt="a red cat")  # fmt: skip
            reference = backend.reference_features(Image.new("RGB", (40, 40), (0, 0, 90)), request)
            (image,) = final_images(backend.generate(history, reference, request))
            outputs.append(np.asarray(image).astype(int))
    assert np.abs(outputs[0] - outputs[1]).max() <= 1
