"""The model a profile is bound to, loaded for what is asked of it.

Profiles name their model: ``drc-mini`` (the built-in model) or a registered Stable Diffusion
model (``drc models add``). Import needs only the model's image encoder
(:func:`load_describer`); generation needs the whole model (:func:`load_generator`). The
registered models are read through a :class:`ModelLookup` (the vault's ``models``), so this
module never imports the vault.
"""

from __future__ import annotations

from typing import Protocol

import torch
from PIL import Image

from drc_desktop.core.errors import ModelError
from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.model_formats import PIPELINE_KINDS
from drc_desktop.ml.model_registry import ModelLookup


class Describer(Protocol):
    """What import needs: images -> the vectors the vault keeps."""

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]: ...


def is_reserved_name(name: str) -> bool:
    """Whether ``name`` belongs to a built-in model (a registered model cannot take it)."""
    return name == BUILTIN_MODEL


def check_profile_model(models: ModelLookup, name: str) -> None:
    """Raises InputError/ModelError unless ``name`` can back a profile."""
    if name == BUILTIN_MODEL:
        return
    model = models.get(name)
    if model.kind not in PIPELINE_KINDS:
        raise ModelError(
            f"{name!r} is an {model.kind.replace('_', ' ')}, not a Stable Diffusion model; "
            "a profile needs a model that generates images"
        )


def load_builtin(name: str, device: torch.device | str = "cpu"):
    """The built-in ``MiniModel``.

    Raises:
        ModelError: an unknown model name, or the built-in model's files fail their manifest.
    """
    from drc_desktop.ml.drc_mini import BUILTIN_MODEL_DIR, MiniModel

    if name != BUILTIN_MODEL:
        raise ModelError(f"model {name!r} is not available on this computer")
    return MiniModel.load(BUILTIN_MODEL_DIR).to(device)


def load_describer(models: ModelLookup, name: str, device: str = "cpu") -> Describer:
    if name == BUILTIN_MODEL:
        return load_builtin(BUILTIN_MODEL, device)
    from drc_desktop.ml.diffusers_backend.pipeline import load_encoder

    return load_encoder(models, models.get(name), device)


def load_generator(models: ModelLookup, name: str, device: str = "cpu", **options: bool):
    """The built-in ``MiniModel`` or a loaded ``SdBackend`` (``options``: ``cpu_offload``,
    ``vae_tiling``; files are checked against their manifests first)."""
    if name == BUILTIN_MODEL:
        return load_builtin(BUILTIN_MODEL, device)
    from drc_desktop.ml.diffusers_backend.pipeline import LoadOptions, SdBackend

    return SdBackend.load(models, models.get(name), LoadOptions(device=device, **options))
