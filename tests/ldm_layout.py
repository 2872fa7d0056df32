"""Test-only converter: a diffusers SD 1.5 pipeline -> one A1111/original-LDM checkpoint file.

Real single-file checkpoints cannot be downloaded here, so tests make tiny ones from tiny
diffusers pipelines with this converter (the inverse of diffusers' own LDM -> diffusers
conversion, checked against it in ``tests/ml/test_single_file.py``).
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors.torch import save_file

RESNET = {"norm1": "in_layers.0", "conv1": "in_layers.2", "norm2": "out_layers.0",
          "conv2": "out_layers.3", "time_emb_proj": "emb_layers.1",
          "conv_shortcut": "skip_connection"}  # fmt: skip


def _rename_resnet(rest: str) -> str:
    first, _, tail = rest.partition(".")
    return f"{RESNET.get(first, first)}.{tail}"


def unet_to_ldm(state: dict[str, torch.Tensor], layers_per_block: int) -> dict:
    fixed = {
        "time_embedding.linear_1": "time_embed.0", "time_embedding.linear_2": "time_embed.2",
        "conv_in": "input_blocks.0.0", "conv_norm_out": "out.0", "conv_out": "out.2",
        "add_embedding.linear_1": "label_emb.0.0", "add_embedding.linear_2": "label_emb.0.2",
    }  # fmt: skip
    per_block = layers_per_block + 1
    out = {}
    for key, value in state.items():
        parts = key.split(".")
        stem = ".".join(parts[:-1])
        if stem in fixed:
            out[f"{fixed[stem]}.{parts[-1]}"] = value
            continue
        if parts[0] == "down_blocks":
            block, kind = int(parts[1]), parts[2]
            if kind == "downsamplers":
                index = 1 + block * per_block + layers_per_block
                out[f"input_blocks.{index}.0.op.{parts[-1]}"] = value
                continue
            layer, rest = int(parts[3]), ".".join(parts[4:])
            index = 1 + block * per_block + layer
            if kind == "resnets":
                out[f"input_blocks.{index}.0.{_rename_resnet(rest)}"] = value
            else:
                out[f"input_blocks.{index}.1.{rest}"] = value
        elif parts[0] == "mid_block":
            kind, layer, rest = parts[1], int(parts[2]), ".".join(parts[3:])
            if kind == "resnets":
                out[f"middle_block.{2 * layer}.{_rename_resnet(rest)}"] = value
            else:
                out[f"middle_block.1.{rest}"] = value
        elif parts[0] == "up_blocks":
            block, kind = int(parts[1]), parts[2]
            if kind == "upsamplers":
                index = block * per_block + layers_per_block
                has_attention = any(k.startswith(f"up_blocks.{block}.attentions.") for k in state)
                out[f"output_blocks.{index}.{2 if has_attention else 1}.conv.{parts[-1]}"] = value
                continue
            layer, rest = int(parts[3]), ".".join(parts[4:])
            index = block * per_block + layer
            if kind == "resnets":
                out[f"output_blocks.{index}.0.{_rename_resnet(rest)}"] = value
            else:
                out[f"output_blocks.{index}.1.{rest}"] = value
        else:
            raise KeyError(f"no LDM name for UNet key {key}")
    return out


def vae_to_ldm(state: dict[str, torch.Tensor], num_blocks: int) -> dict:
    attention = {
        "group_norm": "norm",
        "to_q": "q",
        "to_k": "k",
        "to_v": "v",
        "to_out.0": "proj_out",
    }
    out = {}
    for key, value in state.items():
        new = key.replace("conv_norm_out", "norm_out")
        for side in ("encoder", "decoder"):
            down_or_up = "down" if side == "encoder" else "up"
            prefix = f"{side}.{down_or_up}_blocks."
            if new.startswith(prefix):
                block, kind, rest = new[len(prefix) :].split(".", 2)
                index = int(block) if side == "encoder" else num_blocks - 1 - int(block)
                if kind == "resnets":
                    layer, tail = rest.split(".", 1)
                    tail = tail.replace("conv_shortcut", "nin_shortcut")
                    new = f"{side}.{down_or_up}.{index}.block.{layer}.{tail}"
                else:  # downsamplers.0.conv / upsamplers.0.conv
                    sampler = "downsample" if side == "encoder" else "upsample"
                    new = f"{side}.{down_or_up}.{index}.{sampler}.{rest.split('.', 1)[1]}"
            if new.startswith(f"{side}.mid_block.resnets."):
                layer, tail = new[len(f"{side}.mid_block.resnets.") :].split(".", 1)
                tail = tail.replace("conv_shortcut", "nin_shortcut")
                new = f"{side}.mid.block_{int(layer) + 1}.{tail}"
            if new.startswith(f"{side}.mid_block.attentions.0."):
                tail = new[len(f"{side}.mid_block.attentions.0.") :]
                for old, ldm in attention.items():
                    if tail.startswith(old + "."):
                        tail = ldm + tail[len(old) :]
                new = f"{side}.mid.attn_1.{tail}"
                if value.ndim == 2:  # linear -> 1x1 convolution
                    value = value[:, :, None, None]
        out[new] = value
    return out


def open_clip_layout(state: dict[str, torch.Tensor]) -> dict:
    """transformers ``CLIPTextModelWithProjection`` -> OpenCLIP names (SDXL's second encoder)."""
    out = {}
    layers: dict[str, dict[str, torch.Tensor]] = {}
    for key, value in state.items():
        if key == "text_model.embeddings.position_embedding.weight":
            out["positional_embedding"] = value
        elif key == "text_model.embeddings.token_embedding.weight":
            out["token_embedding.weight"] = value
        elif key.startswith("text_model.final_layer_norm."):
            out["ln_final." + key.rsplit(".", 1)[1]] = value
        elif key == "text_projection.weight":
            out["text_projection"] = value.T.contiguous()
        elif key.startswith("text_model.encoder.layers."):
            index, rest = key[len("text_model.encoder.layers.") :].split(".", 1)
            block = f"transformer.resblocks.{index}."
            if rest.startswith("self_attn.") and rest.split(".")[1] in (
                "q_proj",
                "k_proj",
                "v_proj",
            ):
                layers.setdefault(block, {})[rest.split(".", 1)[1]] = value
                continue
            rest = (rest.replace("layer_norm1", "ln_1").replace("layer_norm2", "ln_2")
                    .replace("mlp.fc1", "mlp.c_fc").replace("mlp.fc2", "mlp.c_proj")
                    .replace("self_attn.out_proj", "attn.out_proj"))  # fmt: skip
            out[block + rest] = value
    for block, parts in layers.items():
        for kind in ("weight", "bias"):
            out[f"{block}attn.in_proj_{kind}"] = torch.cat(
                [parts[f"{name}_proj.{kind}"] for name in ("q", "k", "v")]
            )
    return out


def _unet_and_vae(pipeline_folder: Path) -> dict[str, torch.Tensor]:
    from diffusers import AutoencoderKL, UNet2DConditionModel

    unet = UNet2DConditionModel.from_pretrained(pipeline_folder / "unet")
    vae = AutoencoderKL.from_pretrained(pipeline_folder / "vae")
    tensors = {}
    for key, value in unet_to_ldm(unet.state_dict(), unet.config.layers_per_block).items():
        tensors[f"model.diffusion_model.{key}"] = value
    for key, value in vae_to_ldm(vae.state_dict(), len(vae.config.block_out_channels)).items():
        tensors[f"first_stage_model.{key}"] = value
    return tensors


def _save(tensors: dict[str, torch.Tensor], path: Path) -> Path:
    save_file({k: v.contiguous() for k, v in tensors.items()}, str(path))
    return path


def write_sdxl_single_file(pipeline_folder: Path, path: Path) -> Path:
    """Convert a (tiny) SDXL diffusers folder into ``path`` in the original layout."""
    from transformers import CLIPTextModel, CLIPTextModelWithProjection

    tensors = _unet_and_vae(pipeline_folder)
    first = CLIPTextModel.from_pretrained(pipeline_folder / "text_encoder")
    second = CLIPTextModelWithProjection.from_pretrained(pipeline_folder / "text_encoder_2")
    for key, value in first.state_dict().items():
        tensors[f"conditioner.embedders.0.transformer.{key}"] = value
    for key, value in open_clip_layout(second.state_dict()).items():
        tensors[f"conditioner.embedders.1.model.{key}"] = value
    return _save(tensors, path)


def write_sd15_single_file(pipeline_folder: Path, path: Path) -> Path:
    """Convert a (tiny) SD 1.5 diffusers folder into ``path`` in the original layout."""
    from transformers import CLIPTextModel

    tensors = _unet_and_vae(pipeline_folder)
    text = CLIPTextModel.from_pretrained(pipeline_folder / "text_encoder")
    for key, value in text.state_dict().items():
        tensors[f"cond_stage_model.transformer.{key}"] = value
    return _save(tensors, path)
