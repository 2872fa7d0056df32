"""`drc generate` with several references: one set of assets (issue 12 §2), with the built-in
model; paths with spaces, ``#`` and non-ASCII letters throughout."""

from __future__ import annotations

import json
import os
import random

import pytest
from PIL import Image

from drc_desktop import cli
from drc_desktop.core import stickers
from drc_desktop.core.contact_sheet import CELL, GAP
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.store.vault import Vault
from tests import test_cli_outputs

drc = test_cli_outputs.drc  # the fixtures: `drc ARGS` on a temporary vault, profile Alice
ready = test_cli_outputs.ready
PASSPHRASE = test_cli_outputs.PASSPHRASE

FAST = ("--n", "1", "--steps", "2")


@pytest.fixture
def references(tmp_path):
    """One file and a folder of two stickers (with a text file among them), by odd names."""
    rng = random.Random(11)
    single = tmp_path / "refs #1 ü" / "é single.png"
    single.parent.mkdir()
    stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[5]).save(single)
    folder = tmp_path / "set of ü #2"
    folder.mkdir()
    for name, semantics in (("b two.png", 8), ("a one.png", 2)):
        stickers.render(stickers.sample_style(rng), stickers.ALL_SEMANTICS[semantics]).save(
            folder / name
        )
    (folder / "notes #.txt").write_text("not a picture")
    return single, folder


def listed(drc) -> list[dict]:
    return json.loads(drc("outputs", "list", "--json")[1])


def test_a_set_is_one_generation_per_reference_kept_together_in_order(drc, ready, references):
    single, folder = references
    status, out, err = drc("generate", "--profile", "Alice", "--reference", single, folder, *FAST)
    assert status == cli.EXIT_OK, err
    ids = [int(line) for line in out.split()]
    assert len(ids) == 3
    assert "notes #.txt" in err and "skipped" in err  # the non-image is named, not used
    rows = listed(drc)
    assert [row["id"] for row in rows] == ids
    assert len({row["set_id"] for row in rows}) == 1 and rows[0]["set_id"] is not None
    assert [row["set_position"] for row in rows] == [0, 1, 2]  # given order, folder sorted
    assert f"reference 2 of 3 ({folder / 'a one.png'})" in err
    assert f"reference 3 of 3 ({folder / 'b two.png'})" in err


def test_a_second_set_is_kept_beside_the_first(drc, ready, references):
    single, folder = references
    drc("generate", "--profile", "Alice", "--reference", single, *FAST)
    drc("generate", "--profile", "Alice", "--reference", folder, *FAST)
    rows = listed(drc)
    assert len(rows) == 3
    assert len({row["set_id"] for row in rows}) == 2


def test_export_writes_a_folder_per_reference_and_a_contact_sheet(drc, ready, references, tmp_path):
    single, folder = references
    out_folder = tmp_path / "exports #ü" / "the set"
    status, _, err = drc("generate", "--profile", "Alice", "--reference", single, folder,
                         "--n", "2", "--steps", "2", "--export", out_folder)  # fmt: skip
    assert status == cli.EXIT_OK, err
    assert sorted(p.name for p in out_folder.iterdir()) == [
        "contact-sheet.png", "reference-01", "reference-02", "reference-03",
    ]  # fmt: skip
    for sub in ("reference-01", "reference-02", "reference-03"):
        assert sorted(p.name for p in (out_folder / sub).iterdir()) == [
            "image-001.png", "image-002.png",
        ]  # fmt: skip
    with Image.open(out_folder / "contact-sheet.png") as sheet:
        assert sheet.height == 3 * (CELL + GAP) + GAP  # one row per reference
        assert not sheet.info  # pixels only: no text chunks
    # exporting the set again writes beside, never over
    set_id = listed(drc)[0]["set_id"]
    status, out, _ = drc("outputs", "export-set", set_id, "--out", out_folder)
    assert status == cli.EXIT_OK
    assert out.splitlines()[-1].endswith("contact-sheet-2.png")
    assert (out_folder / "reference-01" / "image-003.png").is_file()


def test_an_empty_folder_is_a_clear_error_naming_it(drc, ready, tmp_path):
    empty = tmp_path / "empty #ü"
    empty.mkdir()
    status, out, err = drc("generate", "--profile", "Alice", "--reference", empty, *FAST)
    assert status == cli.EXIT_ERROR and out == ""
    assert str(empty) in err and "no image files" in err and "Traceback" not in err
    assert listed(drc) == []


def test_a_folder_without_images_is_a_clear_error_naming_it(drc, ready, tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "a.txt").write_text("text")
    status, _, err = drc("generate", "--profile", "Alice", "--reference", folder, *FAST)
    assert status == cli.EXIT_ERROR
    assert f"{folder}: no image files" in err and "a.txt" in err


def test_a_missing_reference_is_an_error_before_anything_is_made(drc, ready, references, tmp_path):
    single, _ = references
    missing = tmp_path / "gone #.png"
    status, out, err = drc("generate", "--profile", "Alice", "--reference", single, missing, *FAST)
    assert status == cli.EXIT_ERROR and out == ""
    assert str(missing) in err
    assert listed(drc) == []


def test_an_unreadable_reference_is_reported_and_the_others_are_generated(
    drc, ready, references, tmp_path
):
    single, folder = references
    broken = folder / "c broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    status, out, err = drc("generate", "--profile", "Alice", "--reference", folder, single, *FAST)
    assert status == cli.EXIT_PARTIAL
    assert len(out.split()) == 3
    assert f"rejected {broken}" in err
    assert [row["set_position"] for row in listed(drc)] == [0, 1, 3]  # the broken one is 2


def test_an_interrupted_set_keeps_and_reports_the_references_that_finished(
    drc,
    ready,
    references,
    monkeypatch,
):
    single, folder = references
    original = MiniBackend.reference_features
    calls = []

    def interrupted_on_the_second(self, reference, request):
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return original(self, reference, request)

    monkeypatch.setattr(MiniBackend, "reference_features", interrupted_on_the_second)
    status, out, err = drc("generate", "--profile", "Alice", "--reference", single, folder,
                           "--n", "2", "--steps", "2", "--export", folder / "out")  # fmt: skip
    assert status == cli.EXIT_INTERRUPTED
    kept = [int(line) for line in out.split()]
    assert len(kept) == 2  # the first reference's two images, printed as they were stored
    assert "stopped after 1 of 3 references" in err and "export-set" in err
    rows = listed(drc)
    assert [row["id"] for row in rows] == kept
    assert {row["set_position"] for row in rows} == {0}
    assert not (folder / "out" / "contact-sheet.png").exists()


def test_a_failure_while_storing_a_reference_stores_none_of_its_images(
    drc,
    ready,
    references,
    monkeypatch,
    tmp_path,
):
    from drc_desktop.core.errors import VaultError
    from drc_desktop.store import outputs

    single, folder = references
    original = outputs.record
    calls = []

    def full_disk_at_the_fourth_image(*args):
        calls.append(1)
        if len(calls) == 4:  # the second image of the second reference
            raise VaultError("the disk is full")
        return original(*args)

    monkeypatch.setattr(outputs, "record", full_disk_at_the_fourth_image)
    status, _, err = drc("generate", "--profile", "Alice", "--reference", single, folder,
                         "--n", "2", "--steps", "2")  # fmt: skip
    assert status == cli.EXIT_ERROR and "disk is full" in err
    assert "stopped after 1 of 3 references" in err
    with Vault.unlock(tmp_path / "home", PASSPHRASE) as vault:
        kept = vault.outputs.list()
        assert [o.set_position for o in kept] == [0, 0]  # no half of the second reference


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_among_the_references_is_refused_before_anything_is_made(
    drc, ready, references, tmp_path
):
    single, _ = references
    fifo = tmp_path / "pipe #ü.png"
    os.mkfifo(fifo)
    status, out, err = drc("generate", "--profile", "Alice", "--reference", single, fifo, *FAST)
    assert status == cli.EXIT_ERROR and out == ""
    assert f"{fifo}: not a regular file" in err and "Traceback" not in err
    assert listed(drc) == []
