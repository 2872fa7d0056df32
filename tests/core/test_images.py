"""Specification of the untrusted-image decoder (DESIGN.md §4: whitelist, pixel cap, no disk)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFile

from drc_desktop.core import images
from drc_desktop.core.errors import ImageError, InputError
from drc_desktop.core.images import (
    TRANSPARENT_BACKGROUND,
    collect_image_files,
    decode_image,
    encode_png,
    read_image,
)

RED, BLUE = (255, 0, 0), (0, 0, 255)


def _encode(image: Image.Image, fmt: str = "PNG", **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def _noise(size: tuple[int, int] = (64, 48), seed: int = 0) -> Image.Image:
    pixels = np.random.default_rng(seed).integers(0, 256, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels)


def _chunk(kind: bytes, payload: bytes) -> bytes:
    body = kind + payload
    return struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))


def _png_claiming_size(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims ``width`` x ``height`` grey pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\0\0"))
        + _chunk(b"IEND", b"")
    )


def _png_chunk_types(data: bytes) -> list[bytes]:
    types, pos = [], 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def _pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image)


# ----------------------------------------------------------------------------- good input


@pytest.mark.parametrize("fmt", ["PNG", "BMP", "TIFF", "WEBP"])
def test_lossless_rgb_images_come_back_unchanged(fmt: str) -> None:
    original = _noise()
    params = {"lossless": True} if fmt == "WEBP" else {}
    decoded = decode_image(_encode(original, fmt, **params), f"photo.{fmt.lower()}")
    assert decoded.mode == "RGB"
    assert decoded.size == original.size
    np.testing.assert_array_equal(_pixels(decoded), _pixels(original))


def test_jpeg_decodes_to_rgb_of_the_same_size() -> None:
    decoded = decode_image(_encode(_noise(), "JPEG"), "photo.jpg")
    assert (decoded.mode, decoded.size) == ("RGB", (64, 48))


def test_gif_gives_its_first_frame() -> None:
    frames = [Image.new("RGB", (8, 8), RED), Image.new("RGB", (8, 8), BLUE)]
    data = _encode(frames[0], "GIF", save_all=True, append_images=frames[1:])
    decoded = decode_image(data, "anim.gif")
    assert decoded.mode == "RGB"
    assert set(map(tuple, _pixels(decoded).reshape(-1, 3))) == {RED}


def test_grayscale_and_palette_images_become_rgb() -> None:
    grey = Image.new("L", (4, 4), 77)
    assert _pixels(decode_image(_encode(grey), "grey.png"))[0, 0].tolist() == [77, 77, 77]
    palette = Image.new("RGB", (4, 4), BLUE).convert("P")
    assert _pixels(decode_image(_encode(palette), "pal.png"))[0, 0].tolist() == list(BLUE)


def test_sixteen_bit_grey_is_scaled_to_eight_bits_not_clipped() -> None:
    levels = np.array([[0, 257 * 100, 32768, 65535]], dtype=np.uint16)
    image = Image.fromarray(levels)
    assert image.mode == "I;16"
    decoded = decode_image(_encode(image), "scan16.png")
    assert decoded.mode == "RGB"
    assert _pixels(decoded)[0, :, 0].tolist() == [0, 100, 128, 255]
    assert (_pixels(decoded)[..., 0] == _pixels(decoded)[..., 2]).all()


def test_big_endian_sixteen_bit_tiff_is_scaled_too() -> None:
    levels = np.array([65535, 32768], dtype=">u2")
    image = Image.frombytes("I;16B", (2, 1), levels.tobytes())
    data = _encode(image, "TIFF")
    assert Image.open(io.BytesIO(data)).mode == "I;16B"
    assert _pixels(decode_image(data, "scan.tif"))[0, :, 0].tolist() == [255, 128]


def test_transparent_pixels_are_composited_over_the_background() -> None:
    rgba = Image.new("RGBA", (3, 1))
    rgba.putpixel((0, 0), (*RED, 0))  # fully transparent
    rgba.putpixel((1, 0), (*RED, 255))  # opaque
    rgba.putpixel((2, 0), (0, 0, 0, 128))  # half-transparent black
    row = _pixels(decode_image(_encode(rgba), "logo.png"))[0]
    assert tuple(row[0]) == TRANSPARENT_BACKGROUND
    assert tuple(row[1]) == RED
    expected_half = [round(c * 127 / 255) for c in TRANSPARENT_BACKGROUND]
    assert np.abs(row[2].astype(int) - expected_half).max() <= 1


def test_a_fully_transparent_image_decodes_to_white() -> None:
    """Transparent logos and stickers are read as on white paper (the documented background)."""
    clear = Image.new("RGBA", (4, 3), (12, 200, 40, 0))
    assert (_pixels(decode_image(_encode(clear), "clear.png")) == 255).all()


def test_transparent_grey_alpha_and_palette_images_use_the_background() -> None:
    la = Image.new("LA", (2, 2), (0, 0))
    assert tuple(_pixels(decode_image(_encode(la), "la.png"))[0, 0]) == TRANSPARENT_BACKGROUND
    palette = Image.new("P", (2, 2), 3)
    palette.putpalette([0, 0, 0] * 256)
    data = _encode(palette, "GIF", transparency=3)
    assert tuple(_pixels(decode_image(data, "t.gif"))[0, 0]) == TRANSPARENT_BACKGROUND


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (8, 4), BLUE)
    image.paste(RED, (0, 0, 4, 4))  # left half red
    exif = Image.Exif()
    exif[0x0112] = 6  # stored rotated: display turns it 90 degrees clockwise
    decoded = decode_image(_encode(image, exif=exif), "phone.png")
    assert decoded.size == (4, 8)
    assert tuple(_pixels(decoded)[0, 0]) == RED  # the left half is now on top
    assert tuple(_pixels(decoded)[-1, 0]) == BLUE


def test_read_image_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "holiday.png"
    path.write_bytes(_encode(_noise()))
    np.testing.assert_array_equal(_pixels(read_image(path)), _pixels(_noise()))


# ----------------------------------------------------------------------------- bad input


def _truncated(data: bytes) -> bytes:
    return data[: len(data) * 2 // 3]


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("holiday.png", b"", "file is empty"),
        ("notes.png", b"this is a text file, not an image\n", "not an image"),
        ("cut.png", _truncated(_encode(_noise())), "truncated or corrupt"),
        ("cut.jpg", _truncated(_encode(_noise(), "JPEG")), "truncated or corrupt"),
        ("cut.webp", _truncated(_encode(_noise(), "WEBP")), "truncated or corrupt"),
        ("old.ppm", _encode(_noise(), "PPM"), "not an image in a supported format"),
        ("icon.ico", _encode(_noise((32, 32)), "ICO"), "not an image in a supported format"),
        ("tiny.png", _png_claiming_size(8, 8), "truncated or corrupt"),
    ],
)
def test_bad_input_is_an_image_error_naming_the_file(name: str, data: bytes, reason: str) -> None:
    with pytest.raises(ImageError) as caught:
        decode_image(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ")
    assert reason in message
    assert "\n" not in message


def test_corrupt_bytes_inside_the_image_data_are_an_error() -> None:
    data = bytearray(_encode(_noise()))
    idat = data.index(b"IDAT")
    data[idat + 40 : idat + 60] = b"\xff" * 20
    with pytest.raises(ImageError, match=r"^bitrot\.png: "):
        decode_image(bytes(data), "bitrot.png")


def test_an_empty_file_on_disk_says_so(tmp_path: Path) -> None:
    (tmp_path / "holiday.png").write_bytes(b"")
    with pytest.raises(ImageError, match=r"holiday\.png: file is empty$"):
        read_image(tmp_path / "holiday.png")


def test_a_missing_file_is_an_image_error(tmp_path: Path) -> None:
    with pytest.raises(ImageError, match=r"gone\.png: cannot read file"):
        read_image(tmp_path / "gone.png")


def test_truncated_images_are_not_padded_silently() -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    with pytest.raises(ImageError):
        decode_image(_truncated(_encode(_noise())), "cut.png")


# ----------------------------------------------------------------------------- size limits


def test_pixel_cap_is_checked_from_the_header_before_decoding(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))
    with pytest.raises(ImageError) as caught:
        decode_image(_png_claiming_size(8000, 6000), "bomb.png")
    assert str(caught.value) == (
        f"bomb.png: image is 8000 x 6000 pixels, over the limit of {images.MAX_PIXELS:,}"
    )
    assert decoded == []


def test_a_real_image_over_the_cap_is_refused() -> None:
    huge = _encode(Image.new("1", (8000, 8000)))  # 64 Mpixels, a few KB of PNG
    assert images.MAX_PIXELS < 8000 * 8000
    with pytest.raises(ImageError, match=r"^huge\.png: image is 8000 x 8000 pixels, over"):
        decode_image(huge, "huge.png")


def test_pixel_cap_follows_the_constant(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _encode(Image.new("RGB", (5, 4)))
    assert decode_image(data, "ok.png").size == (5, 4)
    monkeypatch.setattr(images, "MAX_PIXELS", 19)
    with pytest.raises(ImageError, match=r"^small\.png: image is 5 x 4 pixels, over the limit"):
        decode_image(data, "small.png")


def test_a_header_far_over_pillows_own_limit_is_an_image_error() -> None:
    with pytest.raises(ImageError, match=r"^giant\.png: image is too large"):
        decode_image(_png_claiming_size(50_000, 50_000), "giant.png")


@pytest.mark.parametrize("side", [4, 5])  # 16 pixels: Pillow warns; 25 pixels: Pillow raises
def test_pillow_decompression_bomb_warning_and_error_become_image_errors(
    monkeypatch: pytest.MonkeyPatch, side: int
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10)
    with pytest.raises(ImageError, match=r"^bomb\.png: image is too large"):
        decode_image(_encode(Image.new("RGB", (side, side))), "bomb.png")


def test_files_over_the_byte_limit_are_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.png"
    path.write_bytes(_encode(_noise()))
    monkeypatch.setattr(images, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImageError, match=r"big\.png: file is over the limit"):
        read_image(path)


# ----------------------------------------------------------------------------- export


def test_encode_png_keeps_pixels_and_drops_all_metadata() -> None:
    image = _noise()
    image.info.update({"parameters": "secret prompt, seed 42", "dpi": (300, 300)})
    exif = Image.Exif()
    exif[0x010E] = "secret description"
    image.info["exif"] = exif.tobytes()
    image.info["icc_profile"] = b"secret colour profile"  # Pillow copies this one by default
    data = encode_png(image)
    assert set(_png_chunk_types(data)) == {b"IHDR", b"IDAT", b"IEND"}
    assert b"secret" not in data
    np.testing.assert_array_equal(_pixels(Image.open(io.BytesIO(data))), _pixels(image))


# ----------------------------------------------------------------------------- collecting


def test_collect_image_files_walks_folders_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for relative in [
        "b.png",
        "a.JPG",
        "sub/c.webp",
        "sub/deeper/d.gif",
        ".hidden.png",
        ".cache/e.png",
        "notes.txt",
        "sub/.DS_Store",
    ]:
        path = tmp_path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    found = collect_image_files([tmp_path])
    expected = ["a.JPG", "b.png", "sub/c.webp", "sub/deeper/d.gif"]
    assert found == [tmp_path / name for name in expected]


def test_collect_image_files_keeps_named_files_in_order_without_duplicates(
    tmp_path: Path,
) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "one.png").write_bytes(b"x")
    (tmp_path / "readme.txt").write_bytes(b"x")
    found = collect_image_files(
        [tmp_path / "readme.txt", tmp_path / "pics", tmp_path / "pics" / "one.png"]
    )
    assert found == [tmp_path / "readme.txt", tmp_path / "pics" / "one.png"]


def test_collect_image_files_reports_a_missing_path(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nowhere: no such file or folder"):
        collect_image_files([tmp_path / "nowhere"])
