"""The one protocol every generation backend implements (issue 11 §2).

A backend is a loaded model that can:

1. ``describe`` images: what the vault keeps of each (``ImageVectors``);
2. ``check`` and ``resolve`` a request: refuse options it cannot honour, then make every
   default explicit (steps, size, guidance, scheduler, method, device, dtype, threads, the
   SHA-256 of every weight file), so the stored request alone says how an output was made;
3. read a reference into ``reference_features``: what generation needs of it, never its
   pixels (kept, encrypted, with each output so it can be generated again);
4. ``generate`` from stored history vectors and those features: a generator that yields a
   :class:`GenerationStep` after every denoising step and last one with the images. It checks
   ``should_stop()`` after every step and then ends without images;
5. ``rebuild`` one stored history item: the image the generator makes from that item's own
   vectors alone (issue 12 §2: the history can be *seen* although its pixels were never kept).
   The same kind of generator of steps; the picture is held by the caller in memory only.

Which backend backs a model name is decided in ``ml/backends.py`` (the registry), the only
place that knows the backends apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from PIL import Image
from safetensors.numpy import load, save

from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors

ReferenceFeatures = dict[str, np.ndarray]
"""What a backend keeps of a reference: named arrays (features, never pixels)."""

REBUILD_SEED = 0
"""The seed of every rebuilt history image (one item always gives the same picture)."""


@dataclass(frozen=True)
class GenerationStep:
    """``step`` of ``total`` denoising steps done; ``images`` only on the last one."""

    step: int
    total: int
    images: list[Image.Image] | None = None


@dataclass(frozen=True)
class BackendDefaults:
    """What a backend does when a request leaves a setting out (shown by the GUI).

    ``size`` is the side of the generated square images in pixels; ``guidance_scale`` is the
    text classifier-free guidance (None: the model reads no text); ``methods`` are the
    composition methods it accepts besides ``auto``.
    """

    steps: int
    size: int
    guidance_scale: float | None
    scheduler: str
    methods: tuple[str, ...]
    prompts: bool


class Backend(Protocol):
    """A loaded model behind one interface (``MiniBackend``, ``SdBackend``)."""

    model_name: str
    learns_profile_adapter: bool  # whether a profile can train its own composition

    @property
    def encoder_identity(self) -> str: ...

    def defaults(self) -> BackendDefaults: ...

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]: ...

    def check(self, request: GenerationRequest) -> None:
        """Raises InputError for options this model cannot honour."""

    def resolve(self, request: GenerationRequest, *, profile_adapter: bool) -> GenerationRequest:
        """``request`` with every default explicit (``profile_adapter``: the profile has a
        learned composition, which ``method="auto"`` then picks)."""

    def reference_features(
        self, reference: Image.Image, request: GenerationRequest
    ) -> ReferenceFeatures: ...

    def generate(
        self,
        history: list[ImageVectors],
        reference: ReferenceFeatures,
        request: GenerationRequest,
        *,
        profile_adapter: object | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]: ...

    def rebuild(
        self,
        item: ImageVectors,
        *,
        steps: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """The image rebuilt from one history item's stored vectors (``steps`` None: the
        model's default; seed ``REBUILD_SEED``, so an item always gives the same picture): a
        step after
        every denoising step, one image last.

        Raises:
            InputError: the item's vectors come from another image encoder.
        """

    def read_profile_adapter(self, config: dict, weights: bytes) -> object: ...

    def close(self) -> None: ...


def check_item_encoder(item: ImageVectors, encoder_identity: str) -> None:
    """Raises InputError unless ``item`` was described by the encoder ``encoder_identity``."""
    if item.encoder != encoder_identity:
        raise InputError(
            f"this history item was imported with another image encoder ({item.encoder}); "
            "it cannot be rebuilt by this model: import the image again"
        )


def final_images(steps: Iterable[GenerationStep]) -> list[Image.Image] | None:
    """Run a generation to its end: its images, or None when it was stopped."""
    images = None
    for step in steps:
        images = step.images if step.images is not None else images
    return images


def features_to_bytes(features: ReferenceFeatures) -> bytes:
    """Reference features as safetensors bytes (what the vault keeps with an output)."""
    return save({name: np.ascontiguousarray(array) for name, array in features.items()})


def features_from_bytes(data: bytes) -> ReferenceFeatures:
    """The inverse of :func:`features_to_bytes`.

    Raises:
        InputError: the bytes are not readable safetensors.
    """
    try:
        return dict(load(data))
    except Exception as exc:  # safetensors raises its own error types for corrupt bytes
        raise InputError(f"the stored reference features cannot be read ({exc})") from None
