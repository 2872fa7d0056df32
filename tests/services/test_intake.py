"""Private intake: every kind of file gets a status, good images become vectors, nothing is lost."""

from __future__ import annotations

import io
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from drc_desktop.core import stickers
from drc_desktop.core.images import encode_png
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.services.intake import ImportStatus, add_outputs_to_history, import_files
from drc_desktop.store.vault import Vault

PASSPHRASE = "intake test passphrase"


def sticker(seed: int) -> Image.Image:
    rng = random.Random(seed)
    return stickers.render(stickers.sample_style(rng), stickers.sample_semantics(rng), seed=seed)


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **params)
    return buffer.getvalue()


def bomb() -> bytes:
    """A real decompression bomb: 48 million pixels in a few kilobytes of PNG."""
    return encoded(Image.new("1", (8000, 6000)), "PNG")


def bad_and_odd_files() -> dict[str, tuple[bytes, ImportStatus]]:
    """File name -> (bytes, expected status) for every case of the issue's bad-image list."""
    good = encoded(sticker(1), "PNG")
    jpeg = encoded(sticker(2), "JPEG", quality=90)
    grey16 = Image.fromarray((np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16))
    cmyk = sticker(3).convert("CMYK")
    palette = sticker(4).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    palette.info["transparency"] = 0
    frames = [sticker(5), sticker(6)]
    rotated = sticker(7)
    exif = rotated.getexif()
    exif[0x0112] = 6
    return {
        "good.png": (good, ImportStatus.imported),
        "truncated.png": (good[: len(good) // 2], ImportStatus.rejected),
        "truncated.jpg": (jpeg[: len(jpeg) // 2], ImportStatus.rejected),
        "empty.png": (b"", ImportStatus.rejected),
        "text.png": (b"this is not an image\n", ImportStatus.rejected),
        "bomb.png": (bomb(), ImportStatus.rejected),
        "one-pixel.png": (encoded(Image.new("RGB", (1, 1), (9, 99, 199)), "PNG"),
                          ImportStatus.imported),
        "grey-16-bit.png": (encoded(grey16, "PNG"), ImportStatus.imported),
        "cmyk.jpg": (encoded(cmyk, "JPEG"), ImportStatus.imported),
        "palette-transparent.png": (encoded(palette, "PNG"), ImportStatus.imported),
        "animated.gif": (encoded(frames[0], "GIF", save_all=True, append_images=frames[1:]),
                         ImportStatus.imported),
        "animated.webp": (encoded(frames[1], "WEBP", save_all=True, append_images=frames[:1],
                                  lossless=True), ImportStatus.imported),
        "rotated.jpg": (encoded(rotated, "JPEG", exif=exif), ImportStatus.imported),
        "Thumbs.db": (b"\x00" * 64, ImportStatus.skipped),
        ".DS_Store": (b"\x00" * 64, ImportStatus.skipped),
        "notes.txt": (b"hello", ImportStatus.skipped),
    }  # fmt: skip


@pytest.fixture
def vault(tmp_path):
    with Vault.create(tmp_path / "home", PASSPHRASE) as opened:
        yield opened


def write_folder(folder: Path, files: dict[str, tuple[bytes, ImportStatus]]) -> None:
    folder.mkdir(parents=True)
    for name, (data, _) in files.items():
        (folder / name).write_bytes(data)


def test_every_bad_image_is_rejected_or_imported_and_earlier_rows_stay(
    vault, trained_backend, tmp_path
):
    profile = vault.profiles.create("Alice", "drc-mini")
    first = tmp_path / "first"
    first.mkdir()
    for seed in range(10, 13):
        sticker(seed).save(first / f"earlier-{seed}.png")
    assert {r.status for r in import_files(vault, trained_backend, profile.id, [first])} == {
        ImportStatus.imported
    }
    earlier = {item.id for item in vault.history.list(profile.id)}

    files = bad_and_odd_files()
    folder = tmp_path / "mixed"
    write_folder(folder, files)
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "secret.png").write_bytes(files["good.png"][0])
    results = list(import_files(vault, trained_backend, profile.id, [folder, tmp_path / "missing"]))

    statuses = {r.path.name: r.status for r in results}
    assert statuses == {
        **{name: status for name, (_, status) in files.items()},
        ".hidden": ImportStatus.skipped,
        "missing": ImportStatus.rejected,
    }
    reasons = {r.path.name: r.reason for r in results}
    assert "over the limit" in reasons["bomb.png"] or "too large" in reasons["bomb.png"]
    assert reasons["empty.png"] == "file is empty"
    assert "not an image in a supported format" in reasons["text.png"]
    assert reasons["Thumbs.db"] == "system file" and reasons[".DS_Store"] == "hidden file"
    stored = {item.id for item in vault.history.list(profile.id)}
    imported = [r.item_id for r in results if r.status is ImportStatus.imported]
    assert stored == earlier | set(imported)
    assert len(imported) == sum(s is ImportStatus.imported for _, s in files.values())


def test_reimporting_the_same_pixels_is_a_duplicate(vault, trained_backend, tmp_path):
    profile = vault.profiles.create("Alice", "drc-mini")
    folder = tmp_path / "images"
    folder.mkdir()
    image = sticker(1)
    image.save(folder / "a.png")
    image.save(folder / "b.png", optimize=True)  # other bytes, same pixels
    image.save(folder / "c.bmp")
    results = list(import_files(vault, trained_backend, profile.id, [folder]))
    assert [r.status for r in results] == [
        ImportStatus.imported,
        ImportStatus.duplicate,
        ImportStatus.duplicate,
    ]
    other = vault.profiles.create("Bob", "drc-mini")
    (result,) = import_files(vault, trained_backend, other.id, [folder / "a.png"])
    assert result.status is ImportStatus.imported


def test_stored_vectors_are_the_models_description(vault, trained_backend, tmp_path):
    profile = vault.profiles.create("Alice", "drc-mini")
    image = sticker(3)
    image.save(tmp_path / "s.png")
    list(import_files(vault, trained_backend, profile.id, [tmp_path / "s.png"]))
    (item,) = vault.history.list(profile.id)
    (expected,) = trained_backend.describe([image])
    assert item.vectors.encoder == trained_backend.encoder_identity
    np.testing.assert_allclose(item.vectors.features, expected.features, atol=1e-6)
    np.testing.assert_allclose(item.vectors.style, expected.style, atol=1e-6)
    np.testing.assert_allclose(item.vectors.semantics, expected.semantics, atol=1e-6)


def test_cancelled_import_keeps_what_was_finished(vault, trained_backend, tmp_path):
    profile = vault.profiles.create("Alice", "drc-mini")
    folder = tmp_path / "images"
    folder.mkdir()
    for seed in range(6):
        sticker(seed).save(folder / f"{seed}.png")
    calls = []

    def stop_after_three() -> bool:
        calls.append(1)
        return len(calls) > 3

    results = list(
        import_files(vault, trained_backend, profile.id, [folder], should_stop=stop_after_three)
    )
    assert [r.status for r in results] == [ImportStatus.imported] * 3
    assert vault.history.count(profile.id) == 3


def test_an_output_joins_its_profiles_history_once(vault, trained_backend):
    profile = vault.profiles.create("Alice", "drc-mini")
    png = encode_png(sticker(8))
    output_id = vault.outputs.add(png, 64, 64, GenerationRequest(profile_id=profile.id))
    (item_id,) = add_outputs_to_history(vault, trained_backend, [output_id])
    (item,) = vault.history.list(profile.id)
    assert (item.id, item.source_output_id) == (item_id, output_id)
    assert add_outputs_to_history(vault, trained_backend, [output_id]) == []
    assert vault.history.count(profile.id) == 1


@pytest.fixture(scope="module")
def fuzz_vault(tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz") / "home"
    with Vault.create(home, PASSPHRASE) as opened:
        yield opened, opened.profiles.create("Fuzz", "drc-mini").id


SEEDS_FOR_FUZZ = [encoded(sticker(20), "PNG"), encoded(sticker(21), "JPEG", quality=80),
                  encoded(sticker(22), "GIF"), encoded(sticker(23), "WEBP")]  # fmt: skip


@settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    seed=st.sampled_from(SEEDS_FOR_FUZZ),
    edits=st.lists(
        st.tuples(st.integers(0, 2**20), st.integers(0, 255), st.sampled_from("xtio")),
        min_size=1,
        max_size=4,
    ),
)
def test_mutated_image_bytes_never_break_the_intake(
    fuzz_vault, trained_backend, tmp_path_factory, seed, edits
):
    """Flips, truncations, insertions and overwrites: each file is imported or rejected (or a
    duplicate), never an exception, and the rows already stored stay."""
    data = bytearray(seed)
    for where, value, kind in edits:
        at = where % max(len(data), 1)
        if kind == "x":
            data[at] ^= value or 1
        elif kind == "t":
            del data[at:]
        elif kind == "i":
            data[at:at] = bytes([value]) * 8
        else:
            data[at : at + 4] = bytes([value]) * 4
    fuzz_vault, profile_id = fuzz_vault
    before = {item.id for item in fuzz_vault.history.list(profile_id)}
    path = tmp_path_factory.mktemp("mutated") / "mutated.png"
    path.write_bytes(bytes(data))
    (result,) = import_files(fuzz_vault, trained_backend, profile_id, [path])
    after = {item.id for item in fuzz_vault.history.list(profile_id)}
    assert before <= after
    if result.status is ImportStatus.imported:
        assert after == before | {result.item_id}
    else:
        assert result.status in (ImportStatus.rejected, ImportStatus.duplicate)
        assert after == before and result.reason
