"""Tiny Stable Diffusion 1.5 / SDXL pipelines, CLIP image encoders and IP-Adapter files,
saved in the real on-disk layouts (random weights, built from configs; nothing downloaded).

Shapes mimic the real models where our code depends on them: the UNets have the real block
structure (so the style/layout block maps resolve), the cross-attention widths are the real
768 (SD 1.5) and 2048 (SDXL), and IP-Adapter files use the original key layout
(``image_proj.*``, ``ip_adapter.{1,3,5...}.to_k_ip.weight``). The tokenizer is written here:
a byte-level CLIP vocabulary without merges.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch
from diffusers import (
    AutoencoderKL,
    DDIMScheduler,
    EulerDiscreteScheduler,
    StableDiffusionPipeline,
    StableDiffusionXLPipeline,
    UNet2DConditionModel,
)
from safetensors.torch import save_file
from transformers import (
    CLIPTextConfig,
    CLIPTextModel,
    CLIPTextModelWithProjection,
    CLIPTokenizer,
    CLIPVisionConfig,
    CLIPVisionModelWithProjection,
)

TINY_ENCODER = {"hidden_size": 32, "projection_dim": 24, "image_size": 32}


def _bytes_to_unicode() -> list[str]:
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1))
    printable += list(range(ord("®"), ord("ÿ") + 1))
    chars, extra = [], 0
    for byte in range(256):
        if byte in printable:
            chars.append(chr(byte))
        else:
            chars.append(chr(256 + extra))
            extra += 1
    return chars


def write_tokenizer(folder: Path) -> CLIPTokenizer:
    folder.mkdir(parents=True, exist_ok=True)
    chars = _bytes_to_unicode()
    tokens = [*chars, *(c + "</w>" for c in chars), "<|startoftext|>", "<|endoftext|>"]
    (folder / "vocab.json").write_text(json.dumps({t: i for i, t in enumerate(tokens)}))
    (folder / "merges.txt").write_text("#version: 0.2\n")
    tokenizer = CLIPTokenizer(str(folder / "vocab.json"), str(folder / "merges.txt"))
    tokenizer.model_max_length = 16
    tokenizer.save_pretrained(folder)
    return tokenizer


def _text_encoder(hidden: int, projection: bool = False, projection_dim: int = 32):
    config = CLIPTextConfig(
        vocab_size=514, hidden_size=hidden, intermediate_size=32, num_hidden_layers=1,
        num_attention_heads=4, max_position_embeddings=16, projection_dim=projection_dim,
        bos_token_id=512, eos_token_id=513, pad_token_id=513,
    )  # fmt: skip
    return (CLIPTextModelWithProjection if projection else CLIPTextModel)(config).eval()


def _vae() -> AutoencoderKL:
    return AutoencoderKL(
        block_out_channels=(8, 16), down_block_types=("DownEncoderBlock2D",) * 2,
        up_block_types=("UpDecoderBlock2D",) * 2, latent_channels=4, norm_num_groups=8,
        layers_per_block=1, sample_size=32,
    )  # fmt: skip


def build_sd15(folder: Path, seed: int = 0) -> Path:
    """A tiny SD 1.5-shaped diffusers pipeline folder (4 down / 4 up blocks, width 768)."""
    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(8, 8, 16, 16), layers_per_block=1, norm_num_groups=8,
        down_block_types=("CrossAttnDownBlock2D",) * 3 + ("DownBlock2D",),
        up_block_types=("UpBlock2D",) + ("CrossAttnUpBlock2D",) * 3,
        cross_attention_dim=768, attention_head_dim=4, sample_size=16,
    )  # fmt: skip
    pipe = StableDiffusionPipeline(
        unet=unet, vae=_vae(), text_encoder=_text_encoder(768),
        tokenizer=write_tokenizer(folder.with_name(folder.name + "-tokenizer")),
        scheduler=DDIMScheduler(beta_schedule="scaled_linear", beta_start=0.00085, steps_offset=1,
                                beta_end=0.012, clip_sample=False, set_alpha_to_one=False),
        safety_checker=None, feature_extractor=None, image_encoder=None,
        requires_safety_checker=False,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_sdxl(folder: Path, seed: int = 0) -> Path:
    """A tiny SDXL-shaped pipeline folder (3 blocks, 2 layers per block, width 768 + 1280)."""
    torch.manual_seed(seed)
    projection_dim = 32
    unet = UNet2DConditionModel(
        block_out_channels=(8, 16, 16), layers_per_block=2, norm_num_groups=8,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=2048, attention_head_dim=4, transformer_layers_per_block=1,
        addition_embed_type="text_time", addition_time_embed_dim=8,
        projection_class_embeddings_input_dim=projection_dim + 6 * 8, use_linear_projection=True,
        sample_size=16,
    )  # fmt: skip
    tokenizer = write_tokenizer(folder.with_name(folder.name + "-tokenizer"))
    pipe = StableDiffusionXLPipeline(
        unet=unet, vae=_vae(), text_encoder=_text_encoder(768),
        text_encoder_2=_text_encoder(1280, projection=True, projection_dim=projection_dim),
        tokenizer=tokenizer, tokenizer_2=tokenizer,
        scheduler=EulerDiscreteScheduler(beta_schedule="scaled_linear", beta_start=0.00085,
                                         beta_end=0.012, timestep_spacing="leading",
                                         steps_offset=1),
        image_encoder=None, feature_extractor=None,
    )  # fmt: skip
    pipe.save_pretrained(folder, safe_serialization=True)
    return folder


def build_image_encoder(folder: Path, seed: int = 0) -> Path:
    """A tiny CLIPVisionModelWithProjection folder (config.json + model.safetensors)."""
    torch.manual_seed(seed)
    config = CLIPVisionConfig(
        hidden_size=TINY_ENCODER["hidden_size"], intermediate_size=37, num_hidden_layers=2,
        num_attention_heads=4, image_size=TINY_ENCODER["image_size"], patch_size=8,
        projection_dim=TINY_ENCODER["projection_dim"],
    )  # fmt: skip
    CLIPVisionModelWithProjection(config).save_pretrained(folder, safe_serialization=True)
    return folder


def build_ip_adapter(path: Path, unet: UNet2DConditionModel, embedding_dim: int, seed: int = 0):
    """A base IP-Adapter file for ``unet`` in the original key layout (4 image tokens)."""
    generator = torch.Generator().manual_seed(seed)
    cross = unet.config.cross_attention_dim
    tensors = {
        "image_proj.proj.weight": torch.randn(cross * 4, embedding_dim, generator=generator) * 0.02,
        "image_proj.proj.bias": torch.zeros(cross * 4),
        "image_proj.norm.weight": torch.ones(cross),
        "image_proj.norm.bias": torch.zeros(cross),
    }
    key_id = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        attention = unet.get_submodule(name.removesuffix(".processor"))
        width = attention.to_k.out_features
        for kind in ("to_k_ip", "to_v_ip"):
            weight = torch.randn(width, cross, generator=generator) * 0.5
            tensors[f"ip_adapter.{key_id}.{kind}.weight"] = weight
        key_id += 2
    save_file(tensors, str(path))
    return path


def write_plus_adapter_header(path: Path, embedding_dim: int = 1280, cross: int = 768) -> Path:
    """A small file with the key layout and shapes of a "plus" (Resampler) IP-Adapter."""
    dim = 64
    tensors = {
        "image_proj.latents": torch.zeros(1, 16, dim),
        "image_proj.proj_in.weight": torch.zeros(dim, embedding_dim),
        "image_proj.proj_out.weight": torch.zeros(cross, dim),
        "image_proj.norm_out.weight": torch.zeros(cross),
        "image_proj.layers.0.0.to_q.weight": torch.zeros(dim, dim),
        "ip_adapter.1.to_k_ip.weight": torch.zeros(8, cross),
        "ip_adapter.1.to_v_ip.weight": torch.zeros(8, cross),
    }
    save_file(tensors, str(path))
    return path


def build_plus_adapter(path: Path, unet: UNet2DConditionModel, embedding_dim: int, seed: int = 0):
    """A "plus" IP-Adapter (Resampler image projection, 4 layers, 16 queries) for ``unet``,
    in the original key layout; it reads the encoder's hidden states (``embedding_dim``)."""
    generator = torch.Generator().manual_seed(seed)
    cross, dim, inner, queries = unet.config.cross_attention_dim, 64, 64, 16

    def weight(*shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=generator) * 0.02

    tensors = {
        "image_proj.latents": weight(1, queries, dim),
        "image_proj.proj_in.weight": weight(dim, embedding_dim),
        "image_proj.proj_in.bias": torch.zeros(dim),
        "image_proj.proj_out.weight": weight(cross, dim),
        "image_proj.proj_out.bias": torch.zeros(cross),
        "image_proj.norm_out.weight": torch.ones(cross),
        "image_proj.norm_out.bias": torch.zeros(cross),
    }
    for layer in range(4):
        block = f"image_proj.layers.{layer}."
        for norm in ("0.norm1", "0.norm2", "1.0"):
            tensors[f"{block}{norm}.weight"] = torch.ones(dim)
            tensors[f"{block}{norm}.bias"] = torch.zeros(dim)
        tensors[f"{block}0.to_q.weight"] = weight(inner, dim)
        tensors[f"{block}0.to_kv.weight"] = weight(2 * inner, dim)
        tensors[f"{block}0.to_out.weight"] = weight(dim, inner)
        tensors[f"{block}1.1.weight"] = weight(4 * dim, dim)
        tensors[f"{block}1.3.weight"] = weight(dim, 4 * dim)
    key_id = 1
    for name in unet.attn_processors:
        if name.endswith("attn1.processor"):
            continue
        width = unet.get_submodule(name.removesuffix(".processor")).to_k.out_features
        for kind in ("to_k_ip", "to_v_ip"):
            tensors[f"ip_adapter.{key_id}.{kind}.weight"] = weight(width, cross) * 25
        key_id += 2
    save_file(tensors, str(path))
    return path
