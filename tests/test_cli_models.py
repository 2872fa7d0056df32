"""Bring your own model through `drc`: register, bind a profile, import, generate, offline."""

from __future__ import annotations

import json
import os
import shutil
import socket

import numpy as np
import pytest
from PIL import Image

from drc_desktop import cli

PASSPHRASE = "models cli passphrase"


@pytest.fixture
def drc(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DRC_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DRC_PASSPHRASE", PASSPHRASE)

    def run(*args) -> tuple[int, str, str]:
        status = cli.main([str(a) for a in args])
        captured = capsys.readouterr()
        return status, captured.out, captured.err

    assert run("vault", "init")[0] == cli.EXIT_OK
    return run


@pytest.fixture
def pictures(tmp_path):
    folder = tmp_path / "pictures"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for index in range(3):
        array = rng.integers(0, 255, (48, 40, 3), dtype=np.uint8)
        Image.fromarray(array).save(folder / f"{index}.png")
    return folder


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a network socket was opened")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.parametrize("architecture", ["sd15", "sdxl"])
def test_register_bind_import_generate_export_offline(
    drc, tiny_sd_models, pictures, tmp_path, no_network, architecture
):
    for name in ("encoder", f"ip-{architecture}"):
        assert drc("models", "add", tiny_sd_models[name], "--name", name)[0] == cli.EXIT_OK
    status, out, _ = drc("models", "add", tiny_sd_models[architecture], "--name", "mine")
    assert status == cli.EXIT_OK and f"linked: IP-Adapter ip-{architecture}" in out
    listed = {m["name"]: m for m in json.loads(drc("models", "list", "--json")[1])}
    assert listed["mine"]["architecture"] == architecture
    assert listed["mine"]["image_encoder"] == "encoder"

    assert drc("profile", "create", "Bob", "--model", "mine")[0] == cli.EXIT_OK
    status, out, _ = drc("import", "Bob", pictures)
    assert status == cli.EXIT_OK and out.count("imported\t") == 3
    status, out, err = drc("generate", "--profile", "Bob", "--reference", pictures / "0.png",
                           "--n", "2", "--steps", "2", "--size", "64", "--prompt", "a sticker",
                           "--negative-prompt", "blurry")  # fmt: skip
    assert status == cli.EXIT_OK, err
    ids = out.split()
    (output,) = json.loads(drc("outputs", "list", "--json")[1])[:1]
    assert output["request"]["prompt"] == "a sticker" and output["request"]["size"] == 64
    status, out, _ = drc("outputs", "export", *ids, "--out", tmp_path / "export")
    assert status == cli.EXIT_OK
    with Image.open(tmp_path / "export" / "image-001.png") as image:
        assert image.size == (64, 64) and image.info == {}
    assert drc("outputs", "add-to-history", ids[0])[0] == cli.EXIT_OK
    assert len(json.loads(drc("history", "list", "Bob", "--json")[1])) == 4


def test_tampered_model_fails_verify_and_is_not_loaded(drc, tiny_sd_models, pictures, tmp_path):
    copy = shutil.copytree(tiny_sd_models["sd15"], tmp_path / "sd15-copy")
    drc("models", "add", tiny_sd_models["encoder"], "--name", "encoder")
    drc("models", "add", tiny_sd_models["ip-sd15"], "--name", "ip")
    drc("models", "add", copy, "--name", "mine")
    drc("profile", "create", "Bob", "--model", "mine")
    drc("import", "Bob", pictures)
    assert drc("models", "verify")[0] == cli.EXIT_OK
    with (copy / "unet" / "diffusion_pytorch_model.safetensors").open("r+b") as handle:
        handle.seek(-4, 2)
        handle.write(b"\x00\x01\x02\x03")
    status, out, _ = drc("models", "verify", "mine")
    assert status == cli.EXIT_ERROR
    assert "failed\tmine" in out and "unet/diffusion_pytorch_model.safetensors changed" in out
    status, _, err = drc("generate", "--profile", "Bob", "--reference", pictures / "0.png",
                         "--steps", "1", "--size", "64")  # fmt: skip
    assert status == cli.EXIT_ERROR and "changed since it was registered" in err


def test_refusals_are_one_clear_line(drc, tiny_sd_models, tmp_path):
    pickle = tmp_path / "model.ckpt"
    pickle.write_bytes(b"\x80\x04")
    status, _, err = drc("models", "add", pickle)
    assert status == cli.EXIT_ERROR and len(err.strip().splitlines()) == 1 and "pickles" in err
    drc("models", "add", tiny_sd_models["encoder"], "--name", "encoder")
    status, _, err = drc("profile", "create", "Bob", "--model", "encoder")
    assert status == cli.EXIT_ERROR and "not a Stable Diffusion model" in err
    status, _, err = drc("profile", "create", "Bob", "--model", "nothing-here")
    assert status == cli.EXIT_ERROR and "no model named 'nothing-here'" in err
    drc("models", "add", tiny_sd_models["sd15"], "--name", "unlinked")
    drc("profile", "create", "Bob", "--model", "unlinked")
    status, _, err = drc("import", "Bob", tmp_path)
    assert status == cli.EXIT_ERROR and "needs an IP-Adapter" in err


def test_learned_composition_is_trained_stored_and_used(drc, tiny_sd_models, pictures):
    drc("models", "add", tiny_sd_models["encoder"], "--name", "encoder")
    drc("models", "add", tiny_sd_models["ip-sd15"], "--name", "ip")
    drc("models", "add", tiny_sd_models["sd15"], "--name", "mine")
    drc("profile", "create", "Bob", "--model", "mine")
    drc("import", "Bob", pictures)
    generate = ("generate", "--profile", "Bob", "--reference", pictures / "1.png", "--n", "1",
                "--steps", "2", "--size", "64")  # fmt: skip
    status, _, err = drc(*generate, "--method", "drc")
    assert status == cli.EXIT_ERROR and "drc train profile-adapter" in err
    assert drc(*generate)[0] == cli.EXIT_OK  # auto: training-free until trained
    status, out, _ = drc("train", "profile-adapter", "Bob", "--steps", "20")
    assert status == cli.EXIT_OK and "3 images, 20 steps" in out
    assert drc(*generate)[0] == cli.EXIT_OK
    methods = [o["request"]["method"] for o in json.loads(drc("outputs", "list", "--json")[1])]
    assert methods == ["training-free", "drc"]
    status, _, err = drc("train", "profile-adapter", "Nobody")
    assert status == cli.EXIT_ERROR and "no profile named 'Nobody'" in err


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_models_add_on_a_fifo_is_refused_and_leaves_no_session(drc, tmp_path):
    fifo = tmp_path / "model.safetensors"
    os.mkfifo(fifo)
    status, _, err = drc("models", "add", fifo)
    assert status == cli.EXIT_ERROR
    assert "not a regular file" in err and "Traceback" not in err
    assert list((tmp_path / "home" / "sessions").iterdir()) == []


@pytest.mark.parametrize(
    "header",
    [b"[" * 200_000 + b"]" * 200_000, b'{"image_proj.x": {"dtype": "F32", "shape": 4}}'],
)
def test_models_add_on_a_malformed_header_is_one_line(drc, tmp_path, header):
    path = tmp_path / "adapter.safetensors"
    path.write_bytes(len(header).to_bytes(8, "little") + header)
    status, _, err = drc("models", "add", path)
    assert status == cli.EXIT_ERROR
    assert len(err.strip().splitlines()) == 1 and "not a valid safetensors file" in err
