"""The vault commands through `drc`, in-process, with the built-in model."""

from __future__ import annotations

import hashlib
import json
import os
import random
from pathlib import Path

import pytest
from PIL import Image

from drc_desktop import cli
from drc_desktop.core import stickers
from drc_desktop.core.passphrase import LOST_PASSPHRASE_WARNING

PASSPHRASE = "cli test passphrase"


@pytest.fixture
def drc(tmp_path, monkeypatch, capsys):
    """Run ``drc ARGS`` against a vault in a temporary DRC_HOME; returns (status, out, err)."""
    monkeypatch.setenv("DRC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRC_PASSPHRASE", PASSPHRASE)
    monkeypatch.delenv("DRC_NEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("DRC_BACKUP_PASSPHRASE", raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        status = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    return run


@pytest.fixture
def images(tmp_path) -> Path:
    """Four stickers of one style (one duplicated), a broken file, and a text file."""
    folder = tmp_path / "images"
    (folder / "sub").mkdir(parents=True)
    rng = random.Random(5)
    style = stickers.sample_style(rng)
    for index, semantics in enumerate(stickers.ALL_SEMANTICS[:4]):
        image = stickers.render(style, semantics, seed=index)
        image.save(folder / ("sub" if index % 2 else "") / f"sticker-{index}.png")
    image.save(folder / "sub" / "zz-again.bmp")
    (folder / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    (folder / "readme.txt").write_text("not an image")
    return folder


@pytest.fixture
def reference(tmp_path) -> Path:
    path = tmp_path / "reference.png"
    stickers.render(stickers.sample_style(random.Random(9)), stickers.ALL_SEMANTICS[7]).save(path)
    return path


@pytest.fixture
def ready(drc, images) -> None:
    """A vault with profile Alice holding the four stickers."""
    assert drc("vault", "init")[0] == cli.EXIT_OK
    assert drc("profile", "create", "Alice")[0] == cli.EXIT_OK
    assert drc("import", "Alice", images)[0] == cli.EXIT_PARTIAL


def test_init_warns_that_a_lost_passphrase_cannot_be_recovered(drc, tmp_path):
    status, _out, err = drc("vault", "init")
    assert status == cli.EXIT_OK
    assert LOST_PASSPHRASE_WARNING in err
    assert (tmp_path / "home" / "vault.db").is_file()
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR and "already exists" in err


def test_import_prints_one_status_line_per_file_and_exit_1_on_rejects(drc, images):
    drc("vault", "init")
    drc("profile", "create", "Alice")
    status, out, err = drc("import", "Alice", images)
    assert status == cli.EXIT_PARTIAL
    rows = [line.split("\t") for line in out.strip().splitlines()]
    by_name = {Path(path).name: (state, reason) for state, path, reason in rows}
    assert by_name["broken.png"][0] == "rejected" and by_name["broken.png"][1]
    assert by_name["readme.txt"] == ("skipped", "not an image by name")
    assert by_name["zz-again.bmp"] == ("duplicate", "already in this profile")
    assert [by_name[f"sticker-{i}.png"][0] for i in range(4)] == ["imported"] * 4
    assert "4 imported, 1 duplicate, 1 rejected, 1 skipped" in err
    status, out, _ = drc("import", "Alice", images / "sticker-0.png")
    assert status == cli.EXIT_OK and out.startswith("duplicate\t")


def test_import_needs_an_existing_profile(drc, images):
    drc("vault", "init")
    status, out, err = drc("import", "Nobody", images)
    assert status == cli.EXIT_ERROR
    assert "no profile named 'Nobody'" in err and out == ""


def test_listings_have_json(drc, ready):
    _status, out, _ = drc("profile", "list", "--json")
    (profile,) = json.loads(out)
    assert (profile["name"], profile["model"], profile["history_items"]) == ("Alice", "drc-mini", 4)
    items = json.loads(drc("history", "list", "Alice", "--json")[1])
    assert len(items) == 4 and items[0]["encoder"].startswith("drc-mini-v2-encoder@")
    assert json.loads(drc("outputs", "list", "--json")[1]) == []
    info = json.loads(drc("vault", "info", "--json")[1])
    assert info["history_items"] == 4 and info["schema_version"] >= 1


def test_generate_keeps_outputs_in_the_vault_and_exports_them_clean(
    drc, ready, reference, tmp_path
):
    status, out, _ = drc("generate", "--profile", "Alice", "--reference", reference,
                         "--n", "2", "--steps", "2", "--seed", "4")  # fmt: skip
    assert status == cli.EXIT_OK
    ids = [int(line) for line in out.split()]
    assert len(ids) == 2
    listed = json.loads(drc("outputs", "list", "--profile", "Alice", "--json")[1])
    assert [o["id"] for o in listed] == ids
    assert listed[0]["request"]["seed"] == 4 and listed[0]["request"]["steps"] == 2

    export = tmp_path / "export"
    status, out, _ = drc("outputs", "export", *ids, "--out", export)
    assert status == cli.EXIT_OK
    assert sorted(p.name for p in export.iterdir()) == ["image-001.png", "image-002.png"]
    drc("outputs", "export", ids[0], "--out", export)  # never overwrites
    assert (export / "image-003.png").is_file()
    for path in export.iterdir():
        with Image.open(path) as image:
            assert image.info == {} and not image.getexif()
        assert b"Alice" not in path.read_bytes() and b"seed" not in path.read_bytes()


def test_generate_with_out_writes_files_too(drc, ready, reference, tmp_path):
    out_dir = tmp_path / "direct"
    status, out, _ = drc("generate", "--profile", "Alice", "--reference", reference,
                         "--n", "1", "--steps", "2", "--out", out_dir)  # fmt: skip
    assert status == cli.EXIT_OK
    output_id, path = out.strip().split("\t")
    assert Path(path) == out_dir / "image-001.png" and Path(path).is_file()
    assert int(output_id) >= 1


def test_prompt_is_an_error_for_the_builtin_model(drc, ready, reference):
    status, _out, err = drc("generate", "--profile", "Alice", "--reference", reference,
                           "--prompt", "a cat")  # fmt: skip
    assert status == cli.EXIT_ERROR and "no text encoder" in err
    assert json.loads(drc("outputs", "list", "--json")[1]) == []


def test_feedback_loop_delete_and_remove(drc, ready, reference):
    ids = drc("generate", "--profile", "Alice", "--reference", reference, "--n", "2",
              "--steps", "2")[1].split()  # fmt: skip
    status, _out, _ = drc("outputs", "add-to-history", ids[0])
    assert status == cli.EXIT_OK
    items = json.loads(drc("history", "list", "Alice", "--json")[1])
    assert len(items) == 5 and items[-1]["source_output_id"] == int(ids[0])
    assert drc("outputs", "delete", *ids)[0] == cli.EXIT_OK
    assert json.loads(drc("outputs", "list", "--json")[1]) == []
    assert drc("history", "remove", items[0]["id"])[0] == cli.EXIT_OK
    status, _, err = drc("history", "remove", items[0]["id"])
    assert status == cli.EXIT_ERROR and "no history item" in err
    assert len(json.loads(drc("history", "list", "Alice", "--json")[1])) == 4


def test_profile_rename_and_delete(drc, ready):
    assert drc("profile", "rename", "Alice", "Alicia")[0] == cli.EXIT_OK
    status, _, err = drc("profile", "delete", "Alicia")  # no terminal to confirm on
    assert status == cli.EXIT_ERROR and "--yes" in err
    status, out, _ = drc("profile", "delete", "Alicia", "--yes")
    assert status == cli.EXIT_OK and "4 history items" in out
    assert json.loads(drc("profile", "list", "--json")[1]) == []


def test_wrong_passphrase_is_exit_2_and_changes_no_byte(drc, ready, tmp_path, monkeypatch):
    vault_file = tmp_path / "home" / "vault.db"
    before = hashlib.sha256(vault_file.read_bytes()).hexdigest()
    monkeypatch.setenv("DRC_PASSPHRASE", "not the passphrase")
    status, _out, err = drc("profile", "list")
    assert status == cli.EXIT_ERROR
    (line,) = err.strip().splitlines()
    assert line.startswith(f"drc: error: {vault_file}: wrong passphrase (or the file is not a")
    assert hashlib.sha256(vault_file.read_bytes()).hexdigest() == before


def test_missing_passphrase_without_a_terminal_is_a_clear_error(drc, monkeypatch):
    monkeypatch.delenv("DRC_PASSPHRASE")
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR and "set DRC_PASSPHRASE" in err


def test_passwd_backup_verify_restore(drc, ready, tmp_path, monkeypatch):
    monkeypatch.setenv("DRC_BACKUP_PASSPHRASE", "backup passphrase")
    backup = tmp_path / "vault-backup.drc"
    assert drc("vault", "backup", backup)[0] == cli.EXIT_OK
    monkeypatch.setenv("DRC_NEW_PASSPHRASE", "changed passphrase")
    assert drc("vault", "passwd")[0] == cli.EXIT_OK
    assert drc("profile", "list")[0] == cli.EXIT_ERROR  # old passphrase no longer opens it
    monkeypatch.setenv("DRC_PASSPHRASE", "changed passphrase")
    assert drc("vault", "verify")[0] == cli.EXIT_OK
    assert drc("profile", "delete", "Alice", "--yes")[0] == cli.EXIT_OK
    status, out, _ = drc("vault", "restore", backup)
    assert status == cli.EXIT_OK and "previous vault is kept at" in out
    (profile,) = json.loads(drc("profile", "list", "--json")[1])
    assert profile["history_items"] == 4


def test_verify_reports_damage_as_one_line(drc, ready, tmp_path):
    vault_file = tmp_path / "home" / "vault.db"
    data = bytearray(vault_file.read_bytes())
    data[5 * 4096 + 100] ^= 0xFF
    vault_file.write_bytes(bytes(data))
    status, _, err = drc("vault", "verify")
    assert status == cli.EXIT_ERROR
    assert len(err.strip().splitlines()) == 1 and "damaged" in err and "Traceback" not in err


def test_unusable_data_folder_is_one_clear_error(drc, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("DRC_HOME", str(blocker / "home"))
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR
    assert "cannot create the vault" in err and "Traceback" not in err


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices are POSIX")
@pytest.mark.parametrize("kind", ["fifo", "/dev/zero", "/dev/urandom"])
def test_generate_refuses_a_reference_that_is_not_a_regular_file_at_once(drc, tmp_path, kind):
    reference = Path(kind)
    if kind == "fifo":
        reference = tmp_path / "reference.png"
        os.mkfifo(reference)
    assert drc("vault", "init")[0] == cli.EXIT_OK
    assert drc("profile", "create", "Alice")[0] == cli.EXIT_OK
    status, _, err = drc("generate", "--profile", "Alice", "--reference", reference)
    assert status == cli.EXIT_ERROR
    assert "not a regular file" in err and "Traceback" not in err


def test_a_passphrase_that_is_not_utf8_is_one_clear_error(drc, monkeypatch):
    monkeypatch.setenv("DRC_PASSPHRASE", "caf\udce9 passphrase")  # b"caf\xe9" from a Latin-1 shell
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR
    assert "not valid UTF-8" in err and len(err.strip().splitlines()) == 2  # warning + error


def test_an_unexpected_error_is_one_line_and_exit_2(drc, monkeypatch):
    from drc_desktop.cli import vault as vault_commands

    def broken(*args, **kwargs):
        raise RuntimeError("something the code did not expect")

    monkeypatch.setattr(vault_commands.Vault, "create", broken)
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR
    assert err.strip().splitlines()[-1].startswith("drc: internal error: RuntimeError")
    assert "Traceback" not in err
    monkeypatch.setenv(cli.DEBUG_VARIABLE, "1")
    with pytest.raises(RuntimeError):
        drc("vault", "init")


def test_an_os_error_is_one_line_and_exit_2(drc, monkeypatch):
    from drc_desktop.cli import vault as vault_commands

    def full(*args, **kwargs):
        raise OSError(28, "No space left on device", "/media/usb/out")

    monkeypatch.setattr(vault_commands.Vault, "create", full)
    status, _, err = drc("vault", "init")
    assert status == cli.EXIT_ERROR
    assert err.strip().splitlines()[-1] == "drc: error: /media/usb/out: No space left on device"
