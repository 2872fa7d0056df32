"""Choosing the torch device: ``auto`` prefers CUDA, then Apple's MPS, then the CPU."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

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


@contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run with ``count`` CPU threads (None: leave as is), then restore the previous count."""
    before = torch.get_num_threads()
    if count is not None and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
