"""Registering bring-your-own model files in the vault (``drc models add``, Settings)."""

from __future__ import annotations

from pathlib import Path

from drc_desktop.core.errors import InputError
from drc_desktop.core.registrations import RegisteredModel
from drc_desktop.ml import backends
from drc_desktop.ml.backends import is_reserved_name
from drc_desktop.ml.devices import resolve_device
from drc_desktop.ml.sd.formats import ModelKind
from drc_desktop.ml.sd.registry import (
    HashProgress,
    check_files,
    describe_model,
    link,
    links_now_possible,
)
from drc_desktop.store.audit import now
from drc_desktop.store.vault import Vault

__all__ = [
    "check_files", "check_profile_model", "load_describer", "load_generator", "register",
]  # fmt: skip


def register(
    vault: Vault,
    path: Path,
    *,
    name: str | None = None,
    ip_adapter: str | None = None,
    image_encoder: str | None = None,
    progress: HashProgress | None = None,
) -> RegisteredModel:
    """Detect, check and hash ``path``, then record it (with its links) in the vault.

    Pipelines registered earlier get the adapter or encoder now registered when it fits.

    Raises:
        ModelError: the file or folder is not an accepted model (see ``ml.sd.formats``).
        InputError: the name is taken or reserved, or a named link is of the wrong kind or
            size.
    """
    if name is not None and is_reserved_name(name.strip()):
        raise InputError(f"--name: {name.strip()!r} cannot name a model; choose another name")
    model = describe_model(path, name, now(), progress)
    if is_reserved_name(model.name):
        raise InputError(f"--name: {model.name!r} cannot name a model; choose another name")
    added = vault.models.add(link(vault.models, model, ip_adapter, image_encoder))
    if model.kind in (ModelKind.ip_adapter, ModelKind.image_encoder):
        for linked in links_now_possible(vault.models):
            vault.models.set_links(linked.name, linked.ip_adapter, linked.image_encoder)
    return added


def check_profile_model(vault: Vault, name: str) -> None:
    """Raises InputError/ModelError unless model ``name`` can back a profile."""
    backends.check_profile_model(vault.models, name)


def load_describer(vault: Vault, name: str, device: str = "auto") -> backends.Describer:
    """Model ``name``'s image encoder (what import needs) on ``device`` (a choice of
    ``DEVICE_CHOICES``; InputError when it is not available here)."""
    return backends.load_describer(vault.models, name, str(resolve_device(device)))


def load_generator(vault: Vault, name: str, device: str = "auto", **options: bool):
    """Model ``name``, whole, for generation on ``device`` (``options``: ``cpu_offload``,
    ``vae_tiling`` for Stable Diffusion models)."""
    return backends.load_generator(vault.models, name, str(resolve_device(device)), **options)
