"""Hostile and unusual image files: each is decoded correctly or refused with a clear reason.

``tests/core/test_images.py`` specifies the ordinary cases; this module adds the files a user
can bring in by accident or malice (cut-off downloads, renamed text, bombs in every format,
16-bit, CMYK, palette transparency, animations, EXIF rotations) and a bounded byte-mutation
fuzz test. Every fixture is built in memory with Pillow or by hand.
"""

from __future__ import annotations

import io
import re
import struct
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from PIL import Image

from drc_desktop.core import images
from drc_desktop.core.errors import ImageError
from drc_desktop.core.images import MAX_PIXELS, decode_image

RED, GREEN, BLUE = (255, 0, 0), (0, 255, 0), (0, 0, 255)
WHITE, BLACK, GREY = (255, 255, 255), (0, 0, 0), (128, 128, 128)
TRUNCATED = "truncated or corrupt image data"
# Pillow warns (UserWarning) about the corrupt metadata these tests feed it; that is expected.
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

TOO_LARGE = r"image is (\d+ x \d+ pixels, over the limit of [\d,]+|too large to decode safely)"


def _encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _noise(size: tuple[int, int] = (8, 6), seed: int = 1) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image).astype(int)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def _png(header: bytes, raw_rows: bytes) -> bytes:
    """A PNG from an IHDR payload and the unfiltered scanlines (filter byte 0 on each row)."""
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw_rows))
        + _chunk(b"IEND", b"")
    )


def _sixteen_bit_png(samples: np.ndarray, colour_type: int) -> bytes:
    """A 16-bit PNG of ``samples`` (height x width x channels) with the given colour type."""
    height, width, _ = samples.shape
    header = struct.pack(">IIBBBBB", width, height, 16, colour_type, 0, 0, 0)
    rows = b"".join(b"\0" + row.astype(">u2").tobytes() for row in samples)
    return _png(header, rows)


def _grey_png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width`` x ``height`` grey pixels (one row of data)."""
    return _png(struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0), b"\0\0")


def _assert_refused(data: bytes, name: str, reason: str) -> str:
    """Decoding must raise an ImageError whose one-line message is ``name: <reason...>``."""
    with pytest.raises(ImageError) as caught:
        decode_image(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: "), message
    assert "\n" not in message
    assert re.search(reason, message), message
    return message


def _assert_close(actual: np.ndarray, expected: tuple[int, ...], tolerance: int) -> None:
    assert np.abs(actual.astype(int) - np.array(expected)).max() <= tolerance, (actual, expected)


# ----------------------------------------------------------------------------- truncation

# Encoder parameters and file name for each lossless format (JPEG is handled alongside).
_LOSSLESS = {
    "PNG": ({}, "cut.png"),
    "GIF": ({}, "cut.gif"),
    "WEBP": ({"lossless": True}, "cut.webp"),
    "BMP": ({}, "cut.bmp"),
    "TIFF": ({}, "cut.tif"),
}

_SIGNATURE_LENGTHS = {"PNG": 8, "GIF": 6, "WEBP": 12, "BMP": 2, "TIFF": 4, "JPEG": 3}


def _lossless_source(fmt: str) -> Image.Image:
    return _noise().quantize(16).convert("RGB") if fmt == "GIF" else _noise()


@pytest.mark.parametrize("fmt", [*_LOSSLESS, "JPEG"])
def test_every_prefix_of_a_file_decodes_exactly_or_is_refused_never_padded(fmt: str) -> None:
    """Cutting a file anywhere gives the complete picture (only trailers lost) or an error.

    A prefix may decode only if every pixel is already there: the result must equal the
    decoded complete file, so no truncated file is silently padded with grey or black.
    """
    params, name = _LOSSLESS.get(fmt, ({"quality": 90}, "cut.jpg"))
    data = _encode(_lossless_source(fmt), fmt, **params)
    complete = _pixels(decode_image(data, name))
    decoded_prefixes = []
    for length in range(1, len(data)):
        try:
            decoded = decode_image(data[:length], name)
        except ImageError as exc:
            assert str(exc).startswith(f"{name}: "), exc
            if length >= _SIGNATURE_LENGTHS[fmt]:  # recognisably this format, just cut short
                assert TRUNCATED in str(exc), (length, exc)
            continue
        np.testing.assert_array_equal(_pixels(decoded), complete, err_msg=f"prefix {length}")
        decoded_prefixes.append(length)
    # Only a few trailing bytes (PNG IEND chunk, GIF trailer, JPEG EOI marker) may be lost.
    assert all(length > len(data) - 24 for length in decoded_prefixes), decoded_prefixes


def _gif_cut_before_the_pixels() -> bytes:
    data = _encode(_lossless_source("GIF"), "GIF")
    return data[: data.index(b"\x2c")]  # header and palette complete, no image descriptor


def _tiff_cut_inside_the_directory() -> bytes:
    data = _encode(_noise(), "TIFF")
    (directory,) = struct.unpack("<I", data[4:8])
    return data[: directory + 20]


def _jpeg_cut_between_markers() -> bytes:
    data = _encode(_noise(), "JPEG")
    return data[: data.index(b"\xff\xc4")]  # cut exactly before the Huffman tables


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("signature.png", b"\x89PNG\r\n\x1a\n"),
        ("header-only.png", _encode(_noise())[:33]),  # signature and IHDR, nothing else
        ("no-pixels.gif", _gif_cut_before_the_pixels()),
        ("half-directory.tif", _tiff_cut_inside_the_directory()),
        ("markers.jpg", _jpeg_cut_between_markers()),
        ("riff-only.webp", _encode(_noise(), "WEBP")[:16]),
        ("file-header.bmp", _encode(_noise(), "BMP")[:14]),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_a_cut_off_file_of_a_supported_format_is_reported_as_truncated(
    name: str, data: bytes
) -> None:
    """A file that starts like PNG/GIF/TIFF/... but stops early is truncated, not "unsupported".

    Telling the owner of a half-downloaded GIF that GIF is not a supported format is wrong.
    """
    _assert_refused(data, name, TRUNCATED)


def test_a_progressive_jpeg_cut_after_its_first_scan_is_refused_not_shown_blurry() -> None:
    data = _encode(_noise((64, 48)), "JPEG", progressive=True, quality=90)
    scans = [i for i in range(len(data) - 1) if data[i : i + 2] == b"\xff\xda"]
    assert len(scans) > 2  # precondition: a real multi-scan progressive file
    _assert_refused(data[: scans[1]], "preview.jpg", TRUNCATED)


# ----------------------------------------------------------------------------- not images


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("one-byte.png", b"\x89"),
        ("preallocated.png", b"\0" * 4096),  # a download that never got its bytes
        ("error-page.png", b"<!DOCTYPE html>\n<html><body>404 Not Found</body></html>\n"),
        ("mislabelled.jpg", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< >>\nendobj\n"),
        ("sound.webp", b"RIFF\x24\0\0\0WAVEfmt " + b"\0" * 32),
        ("script.gif", b"#!/bin/sh\necho GIF89a\n"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_files_that_are_not_images_say_the_format_is_unsupported(name: str, data: bytes) -> None:
    _assert_refused(data, name, r"not an image in a supported format \(PNG, JPEG, ")


def test_a_text_file_that_happens_to_start_like_a_bitmap_is_an_error() -> None:
    _assert_refused(b"BMW service manual\n" * 20, "manual.bmp", TRUNCATED)


# ----------------------------------------------------------------------------- size limits


def _patched(data: bytes, offset: int, fmt: str, *values: int) -> bytes:
    patched = bytearray(data)
    struct.pack_into(fmt, patched, offset, *values)
    return bytes(patched)


def _bmp_claiming(width: int, height: int) -> bytes:
    return _patched(_encode(_noise(), "BMP"), 18, "<ii", width, height)


def _gif_claiming(width: int, height: int) -> bytes:
    return _patched(_encode(_noise(), "GIF"), 6, "<HH", width, height)


def _jpeg_claiming(width: int, height: int) -> bytes:
    data = _encode(_noise(), "JPEG")
    return _patched(data, data.index(b"\xff\xc0") + 5, ">HH", height, width)


def _webp_claiming(width: int, height: int) -> bytes:
    data = _encode(_noise(), "WEBP", lossless=True)
    assert data[12:16] == b"VP8L"
    (bits,) = struct.unpack_from("<I", data, 21)
    bits = (bits & ~0x0FFFFFFF) | (width - 1) | ((height - 1) << 14)
    return _patched(data, 21, "<I", bits)


def _tiff_claiming(width: int, height: int) -> bytes:
    data = bytearray(_encode(_noise(), "TIFF"))
    (directory,) = struct.unpack_from("<I", data, 4)
    (entries,) = struct.unpack_from("<H", data, directory)
    for i in range(entries):
        entry = directory + 2 + 12 * i
        (tag,) = struct.unpack_from("<H", data, entry)
        if tag in (256, 257):  # ImageWidth, ImageLength
            struct.pack_into("<HI", data, entry + 2, 4, 1)  # one LONG
            struct.pack_into("<I", data, entry + 8, width if tag == 256 else height)
    return bytes(data)


_CLAIMING = {
    "png": _grey_png_claiming,
    "bmp": _bmp_claiming,
    "gif": _gif_claiming,
    "jpg": _jpeg_claiming,
    "webp": _webp_claiming,
    "tif": _tiff_claiming,
}


@pytest.mark.parametrize("suffix", list(_CLAIMING))
@pytest.mark.parametrize(
    "size",
    [(10_000, 5_000), (16_000, 16_000)],  # over MAX_PIXELS; over Pillow's hard limit too
    ids=["over-our-cap", "over-pillows-cap"],
)
def test_a_small_file_whose_header_claims_too_many_pixels_is_refused_in_every_format(
    suffix: str, size: tuple[int, int]
) -> None:
    assert size[0] * size[1] > MAX_PIXELS
    data = _CLAIMING[suffix](*size)
    assert len(data) < 2_000
    _assert_refused(data, f"bomb.{suffix}", "^bomb\\.[a-z]+: " + TOO_LARGE)


def test_the_pixel_cap_is_inclusive_one_more_pixel_is_refused() -> None:
    """A header of exactly MAX_PIXELS passes the cap (then fails on its missing data)."""
    _assert_refused(_grey_png_claiming(MAX_PIXELS, 1), "at-cap.png", TRUNCATED)
    message = _assert_refused(_grey_png_claiming(MAX_PIXELS + 1, 1), "over.png", TOO_LARGE)
    assert f"{MAX_PIXELS + 1} x 1 pixels" in message


def test_a_header_claiming_no_pixels_is_refused() -> None:
    _assert_refused(_grey_png_claiming(0, 7), "empty.png", r"(no pixels|truncated or corrupt)")
    _assert_refused(_bmp_claiming(0, 6), "empty.bmp", r"(no pixels|truncated or corrupt)")


def test_a_real_image_of_exactly_max_pixels_decodes_in_full() -> None:
    width = 8_000
    height = MAX_PIXELS // width
    image = Image.new("1", (width, height), 0)
    image.putpixel((width - 1, height - 1), 1)
    data = _encode(image)
    assert len(data) < 100_000  # a compressible file: small on disk, huge in memory
    decoded = decode_image(data, "at-cap.png")
    assert (decoded.mode, decoded.size) == ("RGB", (width, height))
    assert decoded.getpixel((width - 1, height - 1)) == WHITE
    assert decoded.getpixel((0, 0)) == BLACK


@pytest.mark.parametrize("side", [9_500, 13_500])  # just over Pillow's warning / error limit
def test_a_real_compressible_bomb_near_pillows_limits_is_refused_before_decoding(
    side: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _encode(Image.new("1", (side, side)))
    assert len(data) < 30_000
    assert side * side > Image.MAX_IMAGE_PIXELS
    # Even with our own cap lifted, Pillow's bomb check (warning or error) must be an error.
    monkeypatch.setattr(images, "MAX_PIXELS", 10**10)
    _assert_refused(data, "bomb.png", r"^bomb\.png: image is too large to decode safely")


# ----------------------------------------------------------------------------- tiny images


@pytest.mark.parametrize(
    ("fmt", "params", "tolerance"),
    [
        ("PNG", {}, 0),
        ("GIF", {}, 0),
        ("WEBP", {"lossless": True}, 0),
        ("BMP", {}, 0),
        ("TIFF", {}, 0),
        ("JPEG", {"quality": 95}, 4),
    ],
)
def test_a_one_by_one_image_decodes_to_its_single_pixel(
    fmt: str, params: dict[str, object], tolerance: int
) -> None:
    colour = (200, 30, 90)
    data = _encode(Image.new("RGB", (1, 1), colour), fmt, **params)
    decoded = decode_image(data, f"dot.{fmt.lower()}")
    assert (decoded.mode, decoded.size) == ("RGB", (1, 1))
    pixel = _pixels(decoded)[0, 0]
    if fmt == "GIF":
        colour = Image.new("RGB", (1, 1), colour).quantize(256).convert("RGB").getpixel((0, 0))
    _assert_close(pixel, colour, tolerance)


def test_a_one_by_one_transparent_png_is_the_background() -> None:
    data = _encode(Image.new("RGBA", (1, 1), (*RED, 0)))
    assert decode_image(data, "dot.png").getpixel((0, 0)) == WHITE


# ----------------------------------------------------------------------------- 16-bit


def test_every_sixteen_bit_grey_level_is_rounded_to_the_nearest_eight_bit_level() -> None:
    levels = np.arange(65536, dtype=np.uint16).reshape(256, 256)
    data = _encode(Image.fromarray(levels))
    assert Image.open(io.BytesIO(data)).mode.startswith("I")  # precondition: stays 16-bit
    decoded = _pixels(decode_image(data, "ramp16.png"))
    expected = np.rint(levels / 257).astype(int)  # exact: v / 257 is never k + 0.5
    np.testing.assert_array_equal(decoded[..., 0], expected)
    np.testing.assert_array_equal(decoded[..., 1], expected)
    np.testing.assert_array_equal(decoded[..., 2], expected)


def test_a_sixteen_bit_grey_png_with_a_transparent_level_shows_the_background() -> None:
    levels = np.array([[0, 1000, 1001, 65535]], dtype=np.uint16)
    data = _encode(Image.fromarray(levels), transparency=1000)
    assert Image.open(io.BytesIO(data)).info.get("transparency") == 1000  # precondition
    row = _pixels(decode_image(data, "masked16.png"))[0]
    assert row.tolist() == [list(BLACK), list(WHITE), [4, 4, 4], list(WHITE)]


def test_sixteen_bit_rgb_png_keeps_the_high_byte_not_the_low_byte() -> None:
    # 0x1234 must read as about 0x12 (18); a wrong cast to uint8 would keep 0x34 (52).
    samples = np.array([[[0x1234, 0x8000, 0xFFFF], [0, 0xFF00, 0x00FF]]], dtype=np.uint16)
    row = _pixels(decode_image(_sixteen_bit_png(samples, colour_type=2), "rgb16.png"))[0]
    expected = np.rint(samples[0] / 257)
    assert np.abs(row - expected).max() <= 1, row


def test_sixteen_bit_grey_with_alpha_png_is_composited_over_the_background() -> None:
    samples = np.array([[[0x1234, 0xFFFF], [0x1234, 0], [0x8000, 0x8000]]], dtype=np.uint16)
    row = _pixels(decode_image(_sixteen_bit_png(samples, colour_type=4), "la16.png"))[0]
    assert np.abs(row[0] - 18).max() <= 1  # opaque: its own grey
    assert row[1].tolist() == list(WHITE)  # fully transparent: the background
    assert np.abs(row[2] - round(128 * 128 / 255 + 255 * 127 / 255)).max() <= 2  # half


# ----------------------------------------------------------------------------- CMYK


def test_a_cmyk_jpeg_becomes_the_matching_rgb_colours() -> None:
    patches = [
        ((0, 255, 255, 0), RED),
        ((255, 0, 255, 0), GREEN),
        ((255, 255, 0, 0), BLUE),
        ((255, 0, 0, 0), (0, 255, 255)),  # cyan
        ((0, 0, 0, 0), WHITE),
        ((0, 0, 0, 255), BLACK),
    ]
    image = Image.new("CMYK", (16 * len(patches), 16))
    for i, (cmyk, _) in enumerate(patches):
        image.paste(cmyk, (16 * i, 0, 16 * i + 16, 16))
    data = _encode(image, "JPEG", quality=95)
    assert Image.open(io.BytesIO(data)).mode == "CMYK"  # precondition: a real CMYK JPEG
    decoded = decode_image(data, "print.jpg")
    assert (decoded.mode, decoded.size) == ("RGB", image.size)
    for i, (_, rgb) in enumerate(patches):
        _assert_close(_pixels(decoded)[8, 16 * i + 8], rgb, 8)


# ----------------------------------------------------------------------------- palettes


def _palette_image(indices: list[list[int]], colours: list[tuple[int, int, int]]) -> Image.Image:
    image = Image.fromarray(np.array(indices, dtype=np.uint8), mode="P")
    image.putpalette([c for colour in colours for c in colour])
    return image


def test_a_palette_png_with_a_transparent_index_shows_white_there_only() -> None:
    image = _palette_image([[0, 1, 2], [2, 1, 0]], [RED, GREEN, BLUE])
    data = _encode(image, transparency=0)  # red (index 0) is the transparent entry
    assert Image.open(io.BytesIO(data)).mode == "P"  # precondition
    decoded = _pixels(decode_image(data, "sticker.png"))
    assert decoded.tolist() == [
        [list(WHITE), list(GREEN), list(BLUE)],
        [list(BLUE), list(GREEN), list(WHITE)],
    ]


def test_a_palette_png_with_partial_alpha_entries_is_blended_with_white() -> None:
    image = _palette_image([[0, 1, 2]], [RED, GREEN, BLUE])
    data = _encode(image, transparency=bytes([255, 128, 0]))
    row = _pixels(decode_image(data, "fade.png"))[0]
    assert row[0].tolist() == list(RED)
    _assert_close(row[1], (127, 255, 127), 1)
    assert row[2].tolist() == list(WHITE)


# ----------------------------------------------------------------------------- animations


def _red_then_blue(size: tuple[int, int] = (8, 8)) -> list[Image.Image]:
    return [Image.new("RGB", size, RED), Image.new("RGB", size, BLUE)]


@pytest.mark.parametrize(
    ("fmt", "params", "tolerance"),
    [
        ("WEBP", {"lossless": True}, 0),
        ("WEBP", {"quality": 90}, 12),
        ("PNG", {}, 0),  # APNG
        ("TIFF", {}, 0),  # multi-page
    ],
    ids=["webp-lossless", "webp-lossy", "apng", "multipage-tiff"],
)
def test_animated_and_multi_page_images_give_their_first_frame(
    fmt: str, params: dict[str, object], tolerance: int
) -> None:
    first, second = _red_then_blue()
    data = _encode(first, fmt, save_all=True, append_images=[second], **params)
    assert getattr(Image.open(io.BytesIO(data)), "n_frames", 1) == 2  # precondition
    decoded = decode_image(data, f"anim.{fmt.lower()}")
    assert (decoded.mode, decoded.size) == ("RGB", (8, 8))
    for pixel in _pixels(decoded).reshape(-1, 3):
        _assert_close(pixel, RED, tolerance)


def test_an_animated_gif_whose_first_frame_has_a_hole_shows_white_not_the_next_frame() -> None:
    first = _palette_image([[0] * 4 + [1] * 4] * 8, [RED, BLACK])  # right half transparent
    second = _palette_image([[0] * 8] * 8, [BLUE, BLACK])
    data = _encode(first, "GIF", save_all=True, append_images=[second], transparency=1)
    assert Image.open(io.BytesIO(data)).n_frames == 2  # precondition
    decoded = _pixels(decode_image(data, "blink.gif"))
    assert {tuple(p) for p in decoded[:, :4].reshape(-1, 3)} == {RED}
    assert {tuple(p) for p in decoded[:, 4:].reshape(-1, 3)} == {WHITE}


# ----------------------------------------------------------------------------- EXIF rotation

# A 64 x 32 picture stored with a coloured 16 x 16 block in each corner; for each EXIF
# orientation: the displayed size and where the stored top-left, top-right, bottom-left and
# bottom-right blocks must end up.
_TL, _TR, _BL, _BR = "top-left", "top-right", "bottom-left", "bottom-right"
_ORIENTATIONS = {
    1: ((64, 32), (_TL, _TR, _BL, _BR)),
    2: ((64, 32), (_TR, _TL, _BR, _BL)),  # mirrored left-right
    3: ((64, 32), (_BR, _BL, _TR, _TL)),  # rotated 180
    4: ((64, 32), (_BL, _BR, _TL, _TR)),  # mirrored top-bottom
    5: ((32, 64), (_TL, _BL, _TR, _BR)),  # transposed
    6: ((32, 64), (_TR, _BR, _TL, _BL)),  # turned 90 degrees clockwise for display
    7: ((32, 64), (_BR, _TR, _BL, _TL)),  # transversed
    8: ((32, 64), (_BL, _TL, _BR, _TR)),  # turned 90 degrees anticlockwise for display
}
_CORNER_COLOURS = (RED, GREEN, BLUE, (255, 255, 0))


def _corner(size: tuple[int, int], where: str) -> tuple[int, int]:
    """The (x, y) centre of the 16 x 16 block at corner ``where`` of an image of ``size``."""
    x = 8 if "left" in where else size[0] - 9
    y = 8 if "top" in where else size[1] - 9
    return x, y


def _jpeg_with_orientation(orientation: int) -> bytes:
    image = Image.new("RGB", (64, 32), GREY)
    for where, colour in zip((_TL, _TR, _BL, _BR), _CORNER_COLOURS, strict=True):
        x, y = _corner(image.size, where)
        image.paste(colour, (x - 8, y - 8, x + 8, y + 8))
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _encode(image, "JPEG", quality=95, exif=exif)


@pytest.mark.parametrize("orientation", list(_ORIENTATIONS))
def test_an_exif_oriented_jpeg_is_turned_upright(orientation: int) -> None:
    size, targets = _ORIENTATIONS[orientation]
    decoded = decode_image(_jpeg_with_orientation(orientation), "phone.jpg")
    assert (decoded.mode, decoded.size) == ("RGB", size)
    for where, colour in zip(targets, _CORNER_COLOURS, strict=True):
        x, y = _corner(size, where)
        _assert_close(_pixels(decoded)[y, x], colour, 12)
    _assert_close(_pixels(decoded)[size[1] // 2, size[0] // 2], GREY, 12)


@pytest.mark.parametrize("orientation", [0, 9, 65535])
def test_an_invalid_exif_orientation_is_ignored(orientation: int) -> None:
    decoded = decode_image(_jpeg_with_orientation(orientation), "odd.jpg")
    assert decoded.size == (64, 32)
    _assert_close(_pixels(decoded)[8, 8], RED, 12)


def test_a_jpeg_with_a_garbage_exif_block_still_decodes_or_is_refused_cleanly() -> None:
    data = _encode(Image.new("RGB", (16, 8), RED), "JPEG", quality=95)
    garbage = b"Exif\0\0MM\0*\0\0\0\x08\xff\xff" + b"\xa5" * 40
    app1 = b"\xff\xe1" + struct.pack(">H", len(garbage) + 2) + garbage
    data = data[:2] + app1 + data[2:]
    try:
        decoded = decode_image(data, "broken-exif.jpg")
    except ImageError as exc:
        assert str(exc).startswith("broken-exif.jpg: ")
    else:
        assert decoded.size == (16, 8)
        _assert_close(_pixels(decoded)[4, 8], RED, 8)


# ----------------------------------------------------------------------------- fuzzing


def _fuzz_seeds() -> list[tuple[str, bytes]]:
    noise = _noise()
    frames = _red_then_blue((6, 4))
    rgba = noise.convert("RGBA")
    rgba.putpixel((0, 0), (0, 0, 0, 0))
    return [
        ("seed.png", _encode(noise)),
        ("seed-alpha.png", _encode(rgba)),
        ("seed16.png", _encode(Image.fromarray(np.arange(48, dtype=np.uint16).reshape(6, 8)))),
        ("seed.jpg", _encode(noise, "JPEG")),
        ("seed-rotated.jpg", _jpeg_with_orientation(8)),
        ("seed.gif", _encode(frames[0], "GIF", save_all=True, append_images=frames[1:])),
        ("seed.webp", _encode(noise, "WEBP", lossless=True)),
        ("seed-anim.webp", _encode(frames[0], "WEBP", save_all=True, append_images=frames[1:])),
        ("seed.bmp", _encode(noise, "BMP")),
        ("seed.tif", _encode(noise, "TIFF")),
        ("seed-cmyk.tif", _encode(noise.convert("CMYK"), "TIFF", compression="tiff_lzw")),
    ]


_SEEDS = _fuzz_seeds()
_SEED = dict(_SEEDS)

_POSITION = st.integers(min_value=0, max_value=2**20)
_MUTATION = st.one_of(
    st.tuples(st.just("flip"), _POSITION, st.integers(min_value=0, max_value=7)),
    st.tuples(st.just("truncate"), _POSITION),
    st.tuples(st.just("insert"), _POSITION, st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("header"), st.integers(min_value=0, max_value=63), st.binary(max_size=8)),
)


def _mutate(data: bytes, mutations: list[tuple]) -> bytes:
    buffer = bytearray(data)
    for kind, position, *rest in mutations:
        at = position % (len(buffer) + 1)
        if kind == "flip" and at < len(buffer):
            buffer[at] ^= 1 << rest[0]
        elif kind == "truncate":
            del buffer[at:]
        elif kind == "insert":
            buffer[at:at] = rest[0]
        elif kind == "header":  # overwrite bytes in the header, where sizes and modes live
            buffer[position : position + len(rest[0])] = rest[0]
    return bytes(buffer)


@settings(
    max_examples=1500,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
# Mutations that once made Pillow raise SyntaxError / ValueError (not OSError) while loading.
@example(seed=("seed16.png", _SEED["seed16.png"]), mutations=[("flip", 36, 4)])
@example(seed=("seed-alpha.png", _SEED["seed-alpha.png"]), mutations=[("flip", 303, 7)])
@example(seed=("seed.gif", _SEED["seed.gif"]), mutations=[("insert", 9340, b"\0")] * 2)
@given(
    seed=st.sampled_from(_SEEDS),
    mutations=st.lists(_MUTATION, min_size=1, max_size=4),
)
def test_mutated_images_decode_to_a_bounded_rgb_image_or_raise_image_error(
    seed: tuple[str, bytes], mutations: list[tuple]
) -> None:
    name, original = seed
    data = _mutate(original, mutations)
    try:
        decoded = decode_image(data, name)
    except ImageError as exc:
        message = str(exc)
        assert message.startswith(f"{name}: ") and len(message) > len(name) + 2, message
        assert "\n" not in message
        return
    width, height = decoded.size
    assert decoded.mode == "RGB"
    assert 0 < width * height <= MAX_PIXELS
    assert len(decoded.tobytes()) == width * height * 3  # fully decoded, not lazy


def test_the_fuzz_seeds_are_valid_images_of_every_allowed_format() -> None:
    """Mutations start from images that decode, so every decoder's parser is exercised."""
    formats = set()
    for name, data in _SEEDS:
        formats.add(Image.open(io.BytesIO(data)).format)
        assert decode_image(data, name).mode == "RGB"
    assert formats == set(images.ALLOWED_FORMATS)
