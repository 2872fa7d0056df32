"""IP-Adapter files and the training-free composition's block routing.

The adapter is loaded twice (diffusers keeps one image projection and one pair of
``to_k_ip``/``to_v_ip`` per adapter in every cross-attention layer): adapter 0 reads the
profile's style embedding, adapter 1 the reference's. :func:`route` then gives each
cross-attention layer the scale of each adapter: the style adapter acts only in the style
blocks, the layout adapter only in the layout blocks (the InstantStyle observation that
these blocks carry style and spatial layout), everything else 0.

Block maps name module prefixes of the UNet (docs/method.md, "bring your own model"):

- SDXL: style ``up_blocks.0.attentions.1``, layout ``down_blocks.2.attentions.1``;
- SD 1.5: style ``up_blocks.1``, layout ``down_blocks.2`` and ``mid_block``.

A map that selects no attention layer of the loaded UNet is an error, never a silent no-op.
"""

from __future__ import annotations

from pathlib import Path

import torch
from safetensors import safe_open

from drc_desktop.core.errors import ModelError

BLOCK_MAPS: dict[str, dict[str, tuple[str, ...]]] = {
    "sdxl": {"style": ("up_blocks.0.attentions.1.",), "layout": ("down_blocks.2.attentions.1.",)},
    "sd15": {"style": ("up_blocks.1.",), "layout": ("down_blocks.2.", "mid_block.")},
}
ROLES = ("style", "layout")  # adapter 0 and adapter 1, in this order


def read_state_dict(path: Path) -> dict[str, dict[str, torch.Tensor]]:
    """The adapter file as diffusers' ``load_ip_adapter`` takes it, read with safetensors."""
    state: dict[str, dict[str, torch.Tensor]] = {"image_proj": {}, "ip_adapter": {}}
    with safe_open(str(path), framework="pt", device="cpu") as file:
        for key in file.keys():  # noqa: SIM118 (safe_open is not a mapping)
            group, _, rest = key.partition(".")
            if group in state:
                state[group][rest] = file.get_tensor(key)
    return state


def ip_attention_layers(unet: torch.nn.Module) -> dict[str, torch.nn.Module]:
    """The UNet's attention processors that carry IP-Adapter weights, by processor name."""
    return {
        name: processor
        for name, processor in unet.attn_processors.items()
        if hasattr(processor, "to_k_ip")
    }


def select(unet: torch.nn.Module, architecture: str) -> dict[str, list[str]]:
    """The processor names each role acts in.

    Raises:
        ModelError: a role's map selects no attention layer of this UNet.
    """
    layers = ip_attention_layers(unet)
    selected = {}
    for role in ROLES:
        prefixes = BLOCK_MAPS[architecture][role]
        selected[role] = [name for name in layers if name.startswith(prefixes)]
        if not selected[role]:
            raise ModelError(
                f"the {role} block map of {architecture} ({', '.join(prefixes)}) selects no "
                "IP-Adapter attention layer of this UNet: it is not a standard "
                f"{architecture} UNet"
            )
    return selected


def route(
    unet: torch.nn.Module, selected: dict[str, list[str]], style: float, layout: float
) -> None:
    """Set every IP attention layer's scales ``[style adapter, layout adapter]``."""
    scales = {"style": style, "layout": layout}
    for name, processor in ip_attention_layers(unet).items():
        processor.scale = [scales[role] if name in selected[role] else 0.0 for role in ROLES]


def route_all(unet: torch.nn.Module, scale: float = 1.0) -> None:
    """Learned composition: adapter 0 (the composed instruction) in every IP layer, adapter 1
    off."""
    for processor in ip_attention_layers(unet).values():
        processor.scale = [scale, 0.0]
