"""The privacy scan the CLI run (tests/test_privacy.py) and the GUI run
(tests/ui/test_privacy_gui.py) share: read every file a run wrote and report each one that
holds an image or pixels of a given picture, or stored vectors (DESIGN.md §4: raw history
images are never written to disk; embeddings are as sensitive as the images)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from drc_desktop.core.errors import ImageError
from drc_desktop.core.images import decode_image

IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "PNG",
    b"\xff\xd8\xff": "JPEG",
    b"GIF87a": "GIF",
    b"GIF89a": "GIF",
    b"II*\x00": "TIFF",
    b"MM\x00*": "TIFF",
    b"RIFF": "RIFF (WebP)",
    b"BM": "BMP",
}
PIXEL_RUN = 48
"""Bytes of raw RGB pixels (16 pixels) that count as a picture's pixels when found in a file."""


def written_files(*roots: Path) -> list[Path]:
    """Every regular file under ``roots`` (recursively, hidden ones included)."""
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.is_file())


def pixel_runs(picture: np.ndarray, count: int = 4) -> list[bytes]:
    """A few ``PIXEL_RUN``-byte stretches of a picture's raw RGB rows (from rows spread over
    the picture, each with some variation: a flat background run would match anything)."""
    rgb = np.ascontiguousarray(picture[..., :3], dtype=np.uint8)
    runs = []
    for row in np.linspace(0, len(rgb) - 1, 4 * count).astype(int):
        data = rgb[row].tobytes()
        for start in range(0, len(data) - PIXEL_RUN + 1, 3):
            run = data[start : start + PIXEL_RUN]
            if len(set(run)) > 6:
                runs.append(run)
                break
        if len(runs) == count:
            break
    return runs


def image_leaks(
    files: list[Path],
    pictures: dict[str, np.ndarray],
    encoded: dict[str, bytes] | None = None,
    allowed: set[Path] = frozenset(),
) -> list[str]:
    """Problems found: a file (not in ``allowed``) that is an image by its first bytes or
    decodes as one; any file holding the encoded bytes of ``encoded`` (name -> file bytes) or
    raw pixel rows of ``pictures`` (name -> ``[H, W, 3]`` uint8), or that decodes to one of
    those pictures."""
    encoded = encoded or {}
    runs = {name: pixel_runs(picture) for name, picture in pictures.items()}
    for name, found in runs.items():
        if not found:  # a scan that looks for nothing would pass whatever was written
            raise ValueError(f"{name} has no distinctive run of pixels to look for")
    problems = []
    for path in files:
        data = path.read_bytes()
        if path not in allowed:
            kind = next((k for sig, k in IMAGE_SIGNATURES.items() if data.startswith(sig)), None)
            if kind is not None:
                problems.append(f"{path} is a {kind} file")
        try:
            decoded = np.asarray(decode_image(data, path.name))
        except ImageError:
            decoded = None
        if decoded is not None and path not in allowed:
            problems.append(f"{path} decodes as an image")
        for name, raw in encoded.items():
            if raw in data:
                problems.append(f"{path} holds the file bytes of {name}")
        for name, picture in pictures.items():
            if any(run in data for run in runs[name]):
                problems.append(f"{path} holds pixels of {name}")
            same = decoded is not None and decoded.shape == picture.shape
            if same and np.array_equal(decoded, picture):
                problems.append(f"{path} is {name}")
    return problems


def vector_leaks(files: list[Path], needles: list[bytes]) -> list[str]:
    """Files holding any of ``needles`` (raw bytes of stored vectors)."""
    return [f"{p} holds stored vectors" for p in files if any(n in p.read_bytes() for n in needles)]
