"""The model a profile is bound to, loaded for what is asked of it.

Profiles name their model: ``drc-mini`` (the built-in model) or a registered Stable Diffusion
model (``drc models add``). Import needs only the model's image encoder
(:func:`load_describer`); generation needs the whole model (:func:`load_generator`).
"""

from __future__ import annotations

from typing import Protocol

from PIL import Image

from drc_desktop.core.errors import ModelError
from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.model_formats import PIPELINE_KINDS
from drc_desktop.store.vault import Vault


class Describer(Protocol):
    """What import needs: images -> the vectors the vault keeps."""

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]: ...


def check_profile_model(vault: Vault, name: str) -> None:
    """Raises InputError/ModelError unless ``name`` can back a profile."""
    if name == BUILTIN_MODEL:
        return
    model = vault.models.get(name)
    if model.kind not in PIPELINE_KINDS:
        raise ModelError(
            f"{name!r} is an {model.kind.replace('_', ' ')}, not a Stable Diffusion model; "
            "a profile needs a model that generates images"
        )


def load_describer(vault: Vault, name: str, device: str = "cpu") -> Describer:
    if name == BUILTIN_MODEL:
        from drc_desktop.services.generation import load_model

        return load_model(BUILTIN_MODEL, device)
    from drc_desktop.ml.diffusers_backend.pipeline import load_encoder

    return load_encoder(vault, vault.models.get(name), device)


def load_generator(vault: Vault, name: str, device: str = "cpu", **options: bool):
    """The built-in ``MiniModel`` or a loaded ``SdBackend`` (``options``: ``cpu_offload``,
    ``vae_tiling``; files are checked against their manifests first)."""
    if name == BUILTIN_MODEL:
        from drc_desktop.services.generation import load_model

        return load_model(BUILTIN_MODEL, device)
    from drc_desktop.ml.diffusers_backend.pipeline import LoadOptions, SdBackend

    return SdBackend.load(vault, vault.models.get(name), LoadOptions(device=device, **options))
