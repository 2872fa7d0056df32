"""What the vault keeps of one image: encoder features and the two disentangled parts.

numpy only, so the store, the ML code and the GUI can all pass these around.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ImageVectors:
    """The vectors of one image, as float32 arrays.

    Attributes:
        encoder: identity of the encoder that made ``features`` (``name@weights-hash``);
            features of one encoder cannot be compared with or converted to another's.
        features: encoder tokens ``[T, D]``: enough to recompute ``style`` and ``semantics``
            when the disentangler is retrained.
        style: the style part ``[T', d]`` (StyleTower of the image with itself).
        semantics: the semantic part ``[T', d]`` (SemTower of the image with itself).
        variants: encoder features ``[V, ...]`` of V semantic-preserving variants of the
            image, kept for training where the backend needs them (None otherwise).
    """

    encoder: str
    features: np.ndarray
    style: np.ndarray
    semantics: np.ndarray
    variants: np.ndarray | None = None

    def __post_init__(self) -> None:
        for field in ("features", "style", "semantics", "variants"):
            if getattr(self, field) is None:
                continue
            value = np.ascontiguousarray(getattr(self, field), dtype=np.float32)
            if value.ndim == 0 or value.size == 0:
                raise ValueError(f"{field} must be a non-empty array, got shape {value.shape}")
            if not np.isfinite(value).all():
                raise ValueError(f"{field} holds NaN or infinite values")
            object.__setattr__(self, field, value)


def array_to_blob(array: np.ndarray) -> tuple[bytes, str]:
    """A float32 array -> (little-endian bytes, shape text such as ``"16x64"``)."""
    data = np.ascontiguousarray(array, dtype="<f4")
    return data.tobytes(), "x".join(str(n) for n in data.shape)


def blob_to_array(blob: bytes, shape: str) -> np.ndarray:
    """The inverse of :func:`array_to_blob` (a new, writable float32 array)."""
    dims = tuple(int(n) for n in shape.split("x"))
    return np.frombuffer(blob, dtype="<f4").reshape(dims).astype(np.float32)
