"""Model folders on disk: safetensors weights, a JSON config and a SHA-256 manifest.

Weights are safetensors only, never pickle (DESIGN.md §4; hashing and loading live in
``weights.py`` and are re-exported here). Every file of a model folder is
listed in ``manifest.json`` with its SHA-256, and a folder is verified before any weight is
loaded: a changed, missing or extra weights file is a ``ModelError`` naming the file.
"""

from __future__ import annotations

import json
from pathlib import Path

from drc_desktop.core.errors import ModelError
from drc_desktop.ml.weights import load_weights, save_weights, sha256_of

__all__ = [
    "CONFIG", "MANIFEST", "load_weights", "save_weights", "sha256_of", "verify_manifest",
    "write_manifest",
]  # fmt: skip

MANIFEST = "manifest.json"
CONFIG = "config.json"


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
