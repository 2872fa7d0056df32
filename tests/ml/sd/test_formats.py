"""Detection of each accepted layout, and a clear refusal of everything else."""

from __future__ import annotations

import shutil

import pytest
import torch
from safetensors.torch import save_file

from drc_desktop.core.errors import ModelError
from drc_desktop.ml.sd.formats import ModelKind, adapter_fits_encoder, detect
from tests.diffusers_fixtures import TINY_ENCODER


def fake_checkpoint(path, architecture: str, width: int = 768, with_vae: bool = True):
    """A single-file checkpoint's key layout (A1111/original LDM), tiny tensors."""
    tensors = {
        "model.diffusion_model.input_blocks.1.1.transformer_blocks.0.attn2.to_k.weight": (
            torch.zeros(4, width)
        ),
    }
    if with_vae:
        tensors["first_stage_model.decoder.conv_in.weight"] = torch.zeros(1)
    if architecture == "sdxl":
        tensors["conditioner.embedders.0.transformer.text_model.final_layer_norm.weight"] = (
            torch.zeros(1)
        )
        tensors["conditioner.embedders.1.model.ln_final.weight"] = torch.zeros(1)
    else:
        tensors["cond_stage_model.transformer.text_model.final_layer_norm.weight"] = torch.zeros(1)
    save_file(tensors, str(path))
    return path


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_diffusers_folders_are_detected_with_every_file_to_hash(tiny_sd_models, architecture):
    found = detect(tiny_sd_models[architecture])
    assert (found.kind, found.architecture) == (ModelKind.diffusers, architecture)
    assert "unet/diffusion_pytorch_model.safetensors" in found.files
    assert "tokenizer/tokenizer_config.json" in found.files
    if architecture == "sdxl":
        assert "text_encoder_2/model.safetensors" in found.files


def test_image_encoder_and_adapters_report_their_sizes(tiny_sd_models):
    encoder = detect(tiny_sd_models["encoder"])
    assert encoder.kind is ModelKind.image_encoder
    assert encoder.details["projection_dim"] == TINY_ENCODER["projection_dim"]
    base = detect(tiny_sd_models["ip-sd15"])
    assert (base.kind, base.architecture, base.details["variant"]) == (
        ModelKind.ip_adapter, "sd15", "base",
    )  # fmt: skip
    assert base.details["embedding_dim"] == TINY_ENCODER["projection_dim"]
    assert detect(tiny_sd_models["ip-sdxl"]).architecture == "sdxl"
    plus = detect(tiny_sd_models["plus"])
    assert plus.details == {
        "variant": "plus", "embedding_dim": 1280, "cross_attention_dim": 768,
        "num_tokens": 16, "attention_layers": 1,
    }  # fmt: skip
    # a base adapter reads the projected embedding, a plus adapter the hidden states
    assert adapter_fits_encoder(base.details, encoder.details)
    assert not adapter_fits_encoder(plus.details, encoder.details)
    vit_h = {"hidden_size": 1280, "projection_dim": 1024}
    assert adapter_fits_encoder(plus.details, vit_h)


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_single_file_checkpoints_are_detected(tmp_path, architecture):
    found = detect(fake_checkpoint(tmp_path / "model.safetensors", architecture))
    assert (found.kind, found.architecture, found.files) == (
        ModelKind.single_file, architecture, ("model.safetensors",),
    )  # fmt: skip


@pytest.mark.parametrize("suffix", [".ckpt", ".pt", ".pth", ".bin", ".pkl"])
def test_pickle_files_are_refused_with_the_reason(tmp_path, suffix):
    path = tmp_path / f"model{suffix}"
    path.write_bytes(b"\x80\x04not really")
    with pytest.raises(ModelError, match=r"pickles, which can run any code.*\.safetensors"):
        detect(path)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: fake_checkpoint(p, "sd15", width=1024), "SD 2.x"),
        (lambda p: fake_checkpoint(p, "sd15", with_vae=False), "UNet-only"),
        (lambda p: save_file({"weight": torch.zeros(2)}, str(p)) or p, "neither"),
        (lambda p: p.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json}") or p, "bad header"),
        (lambda p: p.write_bytes(b"abc") or p, "too short"),
    ],
)
def test_unsupported_safetensors_files_are_refused(tmp_path, make, message):
    path = tmp_path / "model.safetensors"
    make(path)
    with pytest.raises(ModelError, match=message):
        detect(path)


def test_pipeline_with_pickle_weights_only_is_refused(tiny_sd_models, tmp_path):
    copy = shutil.copytree(tiny_sd_models["sd15"], tmp_path / "sd15")
    weights = copy / "unet" / "diffusion_pytorch_model.safetensors"
    weights.rename(copy / "unet" / "diffusion_pytorch_model.bin")
    with pytest.raises(ModelError, match=r"unet: only pickle weights"):
        detect(copy)


def test_unknown_folders_and_pipelines_are_refused(tiny_sd_models, tmp_path):
    with pytest.raises(ModelError, match="not a model folder"):
        detect(tmp_path)
    copy = shutil.copytree(tiny_sd_models["sd15"], tmp_path / "flux")
    (copy / "model_index.json").write_text('{"_class_name": "FluxPipeline"}')
    with pytest.raises(ModelError, match="FluxPipeline pipeline; only"):
        detect(copy)
    with pytest.raises(ModelError, match="no such file"):
        detect(tmp_path / "missing")
