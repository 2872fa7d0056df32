"""Weight files: the one SHA-256 hasher and the one safetensors-only loader (DESIGN.md §4).

Weights are safetensors only, never pickle. Every model file is hashed with
:func:`sha256_of` (registration, manifests, the resolved request of an output) and read with
:func:`load_safetensors` or :func:`load_weights`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from drc_desktop.core.errors import ModelError
from drc_desktop.core.user_files import open_user_file

CHUNK = 4 << 20

HashProgress = Callable[[str, int, int], None]
"""Called as ``progress(file, done_bytes, total_bytes)`` while hashing."""


def sha256_of(path: Path, progress: Callable[[int], None] | None = None) -> str:
    """The SHA-256 of a file, read in chunks; ``progress(bytes)`` after each chunk.

    Raises:
        ModelError: the file cannot be read (named).
    """
    digest = hashlib.sha256()
    try:
        with open_user_file(path, ModelError) as (handle, _):  # never a FIFO or device
            while block := handle.read(CHUNK):
                digest.update(block)
                if progress is not None:
                    progress(len(block))
    except OSError as exc:
        raise ModelError(f"{path}: cannot read file ({exc.strerror or exc})") from None
    return digest.hexdigest()


def hash_files(
    root: Path, files: tuple[str, ...] | list[str], progress: HashProgress | None = None
) -> dict[str, str]:
    """SHA-256 of each file (relative to ``root``, or ``root`` itself for a single file)."""
    paths = {name: (root if root.is_file() else root / name) for name in files}
    total = sum(path.stat().st_size for path in paths.values())
    done = 0
    manifest = {}
    for name, path in paths.items():

        def advance(count: int, name: str = name) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(name, done, total)

        manifest[name] = sha256_of(path, advance)
    return manifest


def load_safetensors(path: Path) -> dict[str, torch.Tensor]:
    """Every tensor of a safetensors file, on the CPU.

    Raises:
        ModelError: the file is missing or not a readable safetensors file.
    """
    if not path.is_file():
        raise ModelError(f"{path}: weights file is missing")
    try:
        return load_file(str(path))
    except Exception as error:  # safetensors raises its own error types for corrupt files
        raise ModelError(f"{path}: not a readable safetensors file ({error})") from None


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
    tensors = load_safetensors(path)
    for name, module in modules.items():
        prefix = f"{name}."
        state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
        try:
            module.load_state_dict(state, strict=True)
        except RuntimeError as error:
            raise ModelError(f"{path.name}: weights for '{name}' do not match: {error}") from None


def library_versions() -> dict[str, str]:
    """Versions of the libraries whose maths makes the pixels (kept with each output)."""
    import diffusers

    return {"torch": torch.__version__, "diffusers": diffusers.__version__}
