"""Safe, in-memory decoding of untrusted images (DESIGN.md §4).

Every image a user brings in goes through :func:`decode_image`, which

- accepts only the formats in ``ALLOWED_FORMATS`` (Pillow is not allowed to try its other
  plugins on untrusted bytes);
- reads the size from the header and refuses images over ``MAX_PIXELS`` *before* decoding any
  pixel data; Pillow's decompression-bomb warning is an error too;
- decodes fully (truncated data is an error, never silently padded);
- applies the EXIF orientation, scales 16-bit data to 8 bits, composites transparency over
  ``TRANSPARENT_BACKGROUND`` and returns an 8-bit RGB image.

Nothing is written to disk: no temporary files, no caches, no thumbnails. Every failure is an
:class:`ImageError` whose one-line message starts with the file's name, so a caller can report
it and go on with the other files. :func:`encode_png` is the way back out: PNG bytes without
metadata. Only Pillow and numpy are used (no torch).
"""

from __future__ import annotations

import io
import os
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from drc_desktop.core.errors import DrcError, ImageError, InputError
from drc_desktop.core.user_files import read_user_file

ALLOWED_FORMATS = ("PNG", "JPEG", "WEBP", "BMP", "GIF", "TIFF")
"""Pillow format names that may be decoded; GIF and multi-page TIFF give their first frame."""

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".jpe", ".webp", ".bmp", ".dib", ".gif", ".tif", ".tiff"}
)
"""File suffixes that :func:`collect_image_files` picks up when it walks a folder."""

MAX_PIXELS = 40_000_000
"""Largest accepted width x height, checked from the header before any decoding."""

MAX_FILE_BYTES = 256 * 1024 * 1024
"""Largest accepted file; a bigger one is refused before it is read into memory."""

DESCRIPTION_SIDE = 512
"""Import keeps a decoded image with its shorter side reduced to about this many pixels: the
encoders read 64 to 224 pixels, and a 40-megapixel image would hold 120 MB (issue 13 §3)."""

TRANSPARENT_BACKGROUND = (255, 255, 255)
"""The colour (white) that transparent and semi-transparent pixels are composited over."""

_SIGNATURES = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",  # TIFF, little- and big-endian
    b"MM\x00*",
)
"""How files of the allowed formats start (WebP is checked apart: ``RIFF`` size ``WEBP``)."""

_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")
_MAX_UINT16 = 65535
_MAX_INT32 = 2**31 - 1


def read_image(path: str | os.PathLike[str]) -> Image.Image:
    """Read ``path`` into memory (``core.user_files``: regular files only, never a blocking
    open) and decode it with :func:`decode_image`.

    Raises:
        ImageError: the file cannot be read, is not a regular file, is too big, or is not a
            usable image.
    """
    data = read_user_file(path, MAX_FILE_BYTES, ImageError)
    return decode_image(data, str(path))


def decode_image(data: bytes, name: str) -> Image.Image:
    """Decode the bytes of an untrusted image into an 8-bit RGB image.

    Args:
        data: the whole file's bytes.
        name: the file's name, used only to start error messages.

    Returns:
        A fully loaded RGB image, EXIF orientation applied, 16-bit data scaled to 8 bits and
        transparency composited over ``TRANSPARENT_BACKGROUND`` (white).

    Raises:
        ImageError: empty, too big, not an allowed format, truncated or corrupt.
    """
    if not data:
        raise ImageError(f"{name}: file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise ImageError(f"{name}: file is over the limit of {MAX_FILE_BYTES:,} bytes")
    # Pillow only warns about a decompression bomb up to twice its own limit; make that an
    # error as well. (The filter is process-wide while it is set, which is harmless here.)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, name)
        _check_size(image, name)
        try:
            image.load()  # ImageFile.LOAD_TRUNCATED_IMAGES stays False: truncation raises here
            image = ImageOps.exif_transpose(image)
            return _to_rgb(image, name)
        except DrcError:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise ImageError(f"{name}: image is too large to decode safely ({exc})") from exc
        # Malformed files make decoders raise many kinds of exceptions (OSError, SyntaxError,
        # struct.error, IndexError...); each one means the same thing to the user.
        except Exception as exc:
            raise ImageError(f"{name}: truncated or corrupt image data") from exc


def collect_image_files(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Expand files and folders into a list of image files, without duplicates.

    A file named directly is always kept (whatever its suffix, so a wrong file is reported
    when decoded rather than skipped silently). A folder is walked recursively and gives its
    files with a suffix in ``IMAGE_SUFFIXES``, sorted by path; hidden files and folders (name
    starting with ".") are skipped and symbolic links to folders are not followed.

    Raises:
        InputError: a path does not exist.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(_walk_folder(path))
        elif path.is_file():
            found.append(path)
        else:
            raise InputError(f"{path}: no such file or folder")
    return list(dict.fromkeys(found))


def _walk_folder(folder: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        files.extend(
            Path(root, n)
            for n in names
            if not n.startswith(".") and Path(n).suffix.lower() in IMAGE_SUFFIXES
        )
    return sorted(files)


def _open(data: bytes, name: str) -> Image.Image:
    """Identify the format from the header only (``Image.open`` is lazy)."""
    try:
        return Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError as exc:
        # Pillow cannot tell a cut-off PNG, GIF or TIFF header from another format; a file
        # that starts like an allowed format is a damaged one, not an unsupported one.
        if data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
            raise ImageError(f"{name}: truncated or corrupt image data") from exc
        raise ImageError(
            f"{name}: not an image in a supported format ({', '.join(ALLOWED_FORMATS)})"
        ) from exc
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError(f"{name}: image is too large to decode safely ({exc})") from exc
    except Exception as exc:
        raise ImageError(f"{name}: truncated or corrupt image data") from exc


def _check_size(image: Image.Image, name: str) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"{name}: image is {width} x {height} pixels, over the limit of {MAX_PIXELS:,}"
        )
    if width == 0 or height == 0:
        raise ImageError(f"{name}: image has no pixels ({width} x {height})")


def _to_rgb(image: Image.Image, name: str) -> Image.Image:
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "I":
        image = _scale_to_8_bit(image)
    if image.mode == "F":
        raise ImageError(f"{name}: floating-point images are not supported")
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info:
        return _composite_over_background(image.convert("RGBA"))
    try:
        return image.convert("RGB")
    except ValueError as exc:
        raise ImageError(f"{name}: unsupported pixel mode {image.mode}") from exc


def _scale_to_8_bit(image: Image.Image) -> Image.Image:
    """Scale 16-bit (or 32-bit integer) grey levels to 0..255, rounding; never clip.

    Pillow gives 16-bit grey as ``I;16*`` or as ``I`` holding 0..65535; a value ``v`` becomes
    ``round(v / 257)`` so 65535 -> 255. ``I`` data outside 0..65535 is genuine 32-bit data
    and is scaled by the maximum of int32 (negative values are 0).
    """
    values = np.asarray(image).astype(np.int64)
    if values.size and (values.min() < 0 or values.max() > _MAX_UINT16):
        values = np.clip(values, 0, None) * 255 // _MAX_INT32
    else:
        values = (values + 128) // 257  # == round(v / 257) for integers, no float error
    grey = Image.fromarray(values.astype(np.uint8))
    key = image.info.get("transparency")
    if isinstance(key, int):  # a single transparent grey level (PNG tRNS chunk)
        alpha = np.where(np.asarray(image) == key, 0, 255).astype(np.uint8)
        grey = Image.merge("LA", (grey, Image.fromarray(alpha)))
    return grey


def _composite_over_background(rgba: Image.Image) -> Image.Image:
    background = Image.new("RGBA", rgba.size, (*TRANSPARENT_BACKGROUND, 255))
    return Image.alpha_composite(background, rgba).convert("RGB")


def reduce_for_description(image: Image.Image) -> Image.Image:
    """``image`` shrunk by a whole factor (box average) so that its shorter side stays at
    least ``DESCRIPTION_SIDE``; a smaller image is returned as it is."""
    factor = min(image.size) // DESCRIPTION_SIDE
    return image.reduce(factor) if factor >= 2 else image


def encode_png(image: Image.Image) -> bytes:
    """Encode ``image`` as PNG bytes carrying pixels only: no text, EXIF, ICC or DPI chunks.

    Exported images must not leak prompts, seeds or profiles (DESIGN.md §4), so whatever
    ``image.info`` holds is dropped.
    """
    clean = image.copy()
    clean.info = {}
    buffer = io.BytesIO()
    clean.save(buffer, format="PNG")
    return buffer.getvalue()
