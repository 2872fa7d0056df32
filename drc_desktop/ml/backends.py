"""The backend registry: the model a profile is bound to, loaded for what is asked of it.

The only module that tells the backends apart (by model name); everything else uses the
protocol of ``ml/backend.py``.

Profiles name their model: ``drc-mini`` (the built-in model) or a registered Stable Diffusion
model (``drc models add``). Import needs only the model's image encoder
(:func:`load_describer`); generation needs the whole model (:func:`load_generator`). The
registered models are read through a :class:`ModelLookup` (the vault's ``models``), so this
module never imports the vault.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.backend import Backend
from drc_desktop.ml.sd.formats import PIPELINE_KINDS
from drc_desktop.ml.sd.registry import ModelLookup

if TYPE_CHECKING:
    from drc_desktop.ml.builtin.mini_backend import MiniBackend


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


def trains_profile_adapter(name: str) -> bool:
    """Whether profiles of model ``name`` can learn their own composition (the built-in
    model's is trained once, with the model)."""
    return name != BUILTIN_MODEL


def rebuilds_on_sight(name: str) -> bool:
    """Whether history items of model ``name`` are rebuilt as soon as they are shown (the
    built-in model makes one in a moment); otherwise only on request, as each rebuild costs a
    whole Stable Diffusion generation (issue 12 §2)."""
    return name == BUILTIN_MODEL


def load_builtin(name: str = BUILTIN_MODEL, device: torch.device | str = "cpu") -> MiniBackend:
    """The built-in model behind the backend protocol.

    Raises:
        ModelError: an unknown model name, or the built-in model's files fail their manifest.
    """
    from drc_desktop.ml.builtin.mini_backend import MiniBackend

    if name != BUILTIN_MODEL:
        raise ModelError(f"model {name!r} is not available on this computer")
    return MiniBackend.load(device=device)


def load_describer(models: ModelLookup, name: str, device: str = "cpu") -> Describer:
    if name == BUILTIN_MODEL:
        return load_builtin(BUILTIN_MODEL, device)
    from drc_desktop.ml.sd.pipeline import load_encoder

    return load_encoder(models, models.get(name), device)


def load_generator(
    models: ModelLookup,
    name: str,
    device: str = "cpu",
    *,
    cpu_offload: bool = False,
    vae_tiling: bool = False,
) -> Backend:
    """The backend of model ``name``: the built-in model, or a registered Stable Diffusion
    model (its files checked against their manifests first; ``cpu_offload`` and
    ``vae_tiling`` save memory there).

    Raises:
        InputError: memory options for the built-in model, an unknown name.
        ModelError: the model's files are missing, changed or unloadable.
    """
    if name == BUILTIN_MODEL:
        if cpu_offload or vae_tiling:
            raise InputError("--cpu-offload and --vae-tiling apply to Stable Diffusion models")
        return load_builtin(BUILTIN_MODEL, device)
    from drc_desktop.ml.sd.pipeline import LoadOptions, SdBackend

    options = LoadOptions(device=device, cpu_offload=cpu_offload, vae_tiling=vae_tiling)
    return SdBackend.load(models, models.get(name), options)
