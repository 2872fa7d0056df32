"""Choosing the torch device: ``auto`` prefers CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

import torch

from drc_desktop.core.composition import DEVICE_CHOICES
from drc_desktop.core.errors import InputError


def resolve_device(name: str = "auto") -> torch.device:
    """The device called ``name``; ``InputError`` when it is not available here."""
    if name not in DEVICE_CHOICES:
        raise InputError(f"device: expected one of {', '.join(DEVICE_CHOICES)}; got {name!r}")
    cuda = torch.cuda.is_available()
    mps = getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()
    if name == "auto":
        return torch.device("cuda" if cuda else "mps" if mps else "cpu")
    if (name == "cuda" and not cuda) or (name == "mps" and not mps):
        raise InputError(f"device: {name} was requested but is not available on this machine")
    return torch.device(name)
