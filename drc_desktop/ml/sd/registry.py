"""Describing, linking and verifying bring-your-own models (``drc models ...``).

A registration records what ``formats.detect`` found and the SHA-256 of every file
(:func:`describe_model`); ``services.models`` keeps it in the vault. Before a model is loaded
its files are hashed again (:func:`check_files`): a changed file is refused with its name. A
pipeline is linked to an IP-Adapter of its architecture and to the image encoder whose output
the adapter reads, matched by embedding sizes, never by folder position. The vault is reached
through :class:`ModelLookup` only (``ml/`` does not import ``store/``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Protocol

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.registrations import RegisteredModel
from drc_desktop.ml.sd.formats import (
    PIPELINE_KINDS,
    ModelKind,
    adapter_fits_encoder,
    detect,
)
from drc_desktop.ml.weights import HashProgress, hash_files


class ModelLookup(Protocol):
    """The registered models, as the vault's ``models`` repository gives them."""

    def get(self, name: str) -> RegisteredModel: ...

    def list(self) -> list[RegisteredModel]: ...


def describe_model(
    path: Path, name: str | None, added_at: str, progress: HashProgress | None = None
) -> RegisteredModel:
    """What a registration records of ``path``: its kind, architecture, details and the
    SHA-256 of every file (links are added by :func:`link`).

    Raises:
        ModelError: the file or folder is not an accepted model (see ``ml.sd.formats``).
        InputError: the name is empty.
    """
    detected = detect(path)
    name = (name or (path.stem if path.is_file() else path.name)).strip()
    if not name:
        raise InputError(f"--name: {name!r} cannot name a model; choose another name")
    manifest = hash_files(detected.root, detected.files, progress)
    return RegisteredModel(
        name=name,
        kind=detected.kind.value,
        architecture=detected.architecture,
        path=str(detected.root),
        manifest=manifest,
        details=detected.details,
        added_at=added_at,
    )


def link(
    models: ModelLookup,
    model: RegisteredModel,
    ip_adapter: str | None = None,
    image_encoder: str | None = None,
) -> RegisteredModel:
    """``model`` with its IP-Adapter and image encoder: the named ones (checked), else the
    only registered one that fits. Only pipelines take links.

    Raises:
        InputError: a named link is of the wrong kind or size, or links were named for a
            model that is not a pipeline.
    """
    if model.kind in PIPELINE_KINDS:
        return _link(models, model, ip_adapter, image_encoder)
    if ip_adapter or image_encoder:
        raise InputError("--ip-adapter and --image-encoder link a Stable Diffusion model only")
    return model


def links_now_possible(models: ModelLookup) -> list[RegisteredModel]:
    """Pipelines registered before their adapter or encoder, with the links now possible
    (only those whose links change)."""
    changed = []
    for model in models.list():
        if model.kind in PIPELINE_KINDS and (
            model.ip_adapter is None or model.image_encoder is None
        ):
            linked = _link(models, model, model.ip_adapter, model.image_encoder)
            if (linked.ip_adapter, linked.image_encoder) != (model.ip_adapter, model.image_encoder):
                changed.append(linked)
    return changed


def _link(
    models: ModelLookup, model: RegisteredModel, ip_adapter: str | None, image_encoder: str | None
) -> RegisteredModel:
    adapters = [
        m
        for m in models.list()
        if m.kind == ModelKind.ip_adapter and m.architecture == model.architecture
    ]
    if ip_adapter is not None:
        adapter = models.get(ip_adapter)
        if adapter.kind != ModelKind.ip_adapter or adapter.architecture != model.architecture:
            raise InputError(
                f"--ip-adapter: {ip_adapter!r} is not an IP-Adapter for {model.architecture}"
            )
    else:
        adapter = adapters[0] if len(adapters) == 1 else None
    encoder = None
    if image_encoder is not None:
        encoder = models.get(image_encoder)
        if encoder.kind != ModelKind.image_encoder:
            raise InputError(f"--image-encoder: {image_encoder!r} is not a CLIP image encoder")
        if adapter is not None and not adapter_fits_encoder(adapter.details, encoder.details):
            raise InputError(
                f"--image-encoder: {image_encoder!r} gives embeddings of another size than "
                f"the IP-Adapter {adapter.name!r} reads"
            )
    elif adapter is not None:
        encoder = _encoder_for(models, adapter)
    return replace(
        model,
        ip_adapter=adapter.name if adapter else None,
        image_encoder=encoder.name if encoder else None,
    )


def _encoder_for(models: ModelLookup, adapter: RegisteredModel) -> RegisteredModel | None:
    fitting = [
        m
        for m in models.list()
        if m.kind == ModelKind.image_encoder and adapter_fits_encoder(adapter.details, m.details)
    ]
    return fitting[0] if len(fitting) == 1 else None


def check_files(model: RegisteredModel, progress: HashProgress | None = None) -> None:
    """Hash the model's files again and compare with the manifest.

    Raises:
        ModelError: a file is missing or changed (named), or the folder has moved.
    """
    root = Path(model.path)
    if not root.exists():
        raise ModelError(f"model {model.name!r}: {root} is gone (moved or on a removed drive?)")
    for name in model.manifest:
        if not (root if root.is_file() else root / name).is_file():
            raise ModelError(f"model {model.name!r}: {name} is missing from {root}")
    found = hash_files(root, list(model.manifest), progress)
    changed = [name for name, digest in model.manifest.items() if found[name] != digest]
    if changed:
        raise ModelError(
            f"model {model.name!r}: {', '.join(changed)} changed since it was registered; it "
            "will not be loaded (register it again if the change is yours)"
        )


def ready_for_generation(models: ModelLookup, model: RegisteredModel) -> tuple:
    """The pipeline's linked IP-Adapter and image encoder, checked to fit each other.

    Raises:
        ModelError: a link is missing or they do not fit, with the command that fixes it.
    """
    if model.kind not in PIPELINE_KINDS:
        raise ModelError(f"model {model.name!r} is an {model.kind}, not a Stable Diffusion model")
    if model.ip_adapter is None or model.image_encoder is None:
        raise ModelError(
            f"model {model.name!r} needs an IP-Adapter and a CLIP image encoder: register them "
            "with `drc models add PATH` (they are linked when they fit)"
        )
    adapter = models.get(model.ip_adapter)
    encoder = models.get(model.image_encoder)
    if not adapter_fits_encoder(adapter.details, encoder.details):
        raise ModelError(f"IP-Adapter {adapter.name!r} does not read {encoder.name!r}'s embeddings")
    return adapter, encoder
