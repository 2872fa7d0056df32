"""Model folders on disk: safetensors weights, a JSON config and a SHA-256 manifest.

Weights are safetensors only, never pickle (DESIGN.md §4). Every file of a model folder is
listed in ``manifest.json`` with its SHA-256, and a folder is verified before any weight is
loaded: a changed, missing or extra weights file is a ``ModelError`` naming the file.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from drc_desktop.core.errors import ModelError

MANIFEST = "manifest.json"
CONFIG = "config.json"


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def save_weights(path: Path, modules: dict[str, nn.Module]) -> None:
    """Save several modules into one safetensors file, keys prefixed by ``name.``."""
    tensors: dict[str, torch.Tensor] = {}
    for name, module in modules.items():
        for key, value in module.state_dict().items():
            tensors[f"{name}.{key}"] = value.detach().to("cpu").contiguous()
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(tensors, str(path))


def load_weights(path: Path, modules: dict[str, nn.Module]) -> None:
    """Load modules saved by ``save_weights``; every key must match (strict).

    Raises:
        ModelError: the file is missing or unreadable, or its tensors do not fit the modules.
    """
    if not path.is_file():
        raise ModelError(f"{path}: weights file is missing")
    try:
        tensors = load_file(str(path))
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ModelError(f"{path}: not a readable safetensors file ({error})") from None
    for name, module in modules.items():
        prefix = f"{name}."
        state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as error:
            raise ModelError(f"{path.name}: weights for '{name}' do not match: {error}") from None


def write_manifest(folder: Path) -> dict[str, str]:
    """Hash every file in ``folder`` (but the manifest) into ``manifest.json``."""
    files = {
        p.name: sha256_of(p) for p in sorted(folder.iterdir()) if p.is_file() and p.name != MANIFEST
    }
    (folder / MANIFEST).write_text(json.dumps({"sha256": files}, indent=2) + "\n")
    return files


def verify_manifest(folder: Path) -> None:
    """Raise ``ModelError`` unless every file matches the manifest and none is missing/extra."""
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ModelError(f"{folder}: no {MANIFEST}; the model folder is incomplete")
    try:
        expected = json.loads(manifest_path.read_text())["sha256"]
    except (ValueError, KeyError):
        raise ModelError(f"{manifest_path}: not a valid manifest") from None
    present = {p.name for p in folder.iterdir() if p.is_file() and p.name != MANIFEST}
    for name in sorted(set(expected) - present):
        raise ModelError(f"{folder / name}: listed in the manifest but missing")
    for name in sorted(present - set(expected)):
        if name.endswith(".safetensors") or name == CONFIG:
            raise ModelError(f"{folder / name}: not listed in the manifest")
    for name, digest in expected.items():
        if sha256_of(folder / name) != digest:
            raise ModelError(
                f"{folder / name}: contents changed (SHA-256 mismatch); refusing to load"
            )
