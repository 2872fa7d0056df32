"""Specification of model folders on disk: safetensors weights verified by a SHA-256 manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from torch import nn

from drc_desktop.core.errors import ModelError
from drc_desktop.ml.model_files import (
    CONFIG,
    MANIFEST,
    load_weights,
    save_weights,
    verify_manifest,
    write_manifest,
)


def modules(seed: int) -> dict[str, nn.Module]:
    torch.manual_seed(seed)
    return {"first": nn.Linear(4, 3), "second": nn.Sequential(nn.Linear(3, 2), nn.LayerNorm(2))}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A complete model folder: one weights file and a config, with a manifest."""
    save_weights(tmp_path / "weights.safetensors", modules(0))
    (tmp_path / CONFIG).write_text(json.dumps({"size": 4}))
    write_manifest(tmp_path)
    return tmp_path


def test_saved_weights_load_back_exactly(tmp_path):
    path = tmp_path / "w.safetensors"
    original, restored = modules(0), modules(1)
    save_weights(path, original)
    load_weights(path, restored)
    for name, module in original.items():
        for key, value in module.state_dict().items():
            assert torch.equal(restored[name].state_dict()[key], value), f"{name}.{key}"


def test_weights_are_stored_as_safetensors_not_pickle(tmp_path):
    path = tmp_path / "w.safetensors"
    save_weights(path, modules(0))
    header_length = int.from_bytes(path.read_bytes()[:8], "little")
    header = json.loads(path.read_bytes()[8 : 8 + header_length])
    assert "first.weight" in header
    assert "second.1.bias" in header


def test_mismatched_shapes_are_a_model_error_naming_file_and_module(tmp_path):
    path = tmp_path / "w.safetensors"
    save_weights(path, {"net": nn.Linear(4, 3)})
    with pytest.raises(ModelError, match=r"w\.safetensors.*'net'"):
        load_weights(path, {"net": nn.Linear(4, 5)})


def test_missing_keys_are_a_model_error(tmp_path):
    path = tmp_path / "w.safetensors"
    save_weights(path, {"net": nn.Linear(4, 3)})
    with pytest.raises(ModelError, match="do not match"):
        load_weights(path, {"other": nn.Linear(4, 3)})


def test_a_fresh_folder_verifies(folder):
    verify_manifest(folder)
    listed = json.loads((folder / MANIFEST).read_text())["sha256"]
    assert set(listed) == {"weights.safetensors", CONFIG}


def test_a_modified_weights_file_is_refused(folder):
    data = bytearray((folder / "weights.safetensors").read_bytes())
    data[-1] ^= 0x01
    (folder / "weights.safetensors").write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"weights\.safetensors.*changed"):
        verify_manifest(folder)


def test_a_modified_config_is_refused(folder):
    (folder / CONFIG).write_text(json.dumps({"size": 5}))
    with pytest.raises(ModelError, match=r"config\.json"):
        verify_manifest(folder)


def test_a_missing_weights_file_is_refused(folder):
    (folder / "weights.safetensors").unlink()
    with pytest.raises(ModelError, match=r"weights\.safetensors.*missing"):
        verify_manifest(folder)


def test_an_extra_weights_file_is_refused(folder):
    save_weights(folder / "extra.safetensors", modules(2))
    with pytest.raises(ModelError, match=r"extra\.safetensors.*not listed"):
        verify_manifest(folder)


def test_a_folder_without_manifest_is_refused(folder):
    (folder / MANIFEST).unlink()
    with pytest.raises(ModelError, match="manifest"):
        verify_manifest(folder)


def test_a_corrupt_manifest_is_refused(folder):
    (folder / MANIFEST).write_text("{not json")
    with pytest.raises(ModelError, match="not a valid manifest"):
        verify_manifest(folder)
