"""Tiny drc-mini model folders from a config with seeded, untrained weights: seconds to write,
loadable by ``MiniModel.load`` (manifest and all), so GUI and golden tests do not depend on
the shipped weights (which change between drc-mini versions) or on a training run."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from drc_desktop.ml import backends
from drc_desktop.ml.builtin.drc_mini import (
    AUTOENCODER_FILE,
    MiniConfig,
    build_disentangler,
    build_encoder_net,
    build_generator,
    build_space,
    generator_file,
)
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.ml.model_files import CONFIG, write_manifest
from drc_desktop.ml.weights import save_weights
from tests.conftest import TINY_CONFIG


def write_untrained_model(folder: Path, config: MiniConfig = TINY_CONFIG, seed: int = 0) -> Path:
    """A drc-mini folder (DRC generator only) with weights drawn from ``seed``."""
    torch.manual_seed(seed)
    net = build_encoder_net(config)
    disentangler = build_disentangler(config)
    unet, conditioner = build_generator(config, "drc", disentangler)
    space = build_space(config)
    folder.mkdir(parents=True)
    save_weights(folder / "encoder.safetensors", {"encoder": net})
    save_weights(folder / "disentangler.safetensors", {"disentangler": disentangler})
    save_weights(folder / generator_file("drc"), {"unet": unet, "conditioner": conditioner})
    if config.latent_channels:
        save_weights(folder / AUTOENCODER_FILE, {"autoencoder": space})
    (folder / CONFIG).write_text(config.to_json())
    write_manifest(folder)
    return folder


@pytest.fixture(scope="session")
def untrained_model_dir(tmp_path_factory) -> Path:
    return write_untrained_model(tmp_path_factory.mktemp("untrained") / "drc-mini")


@pytest.fixture
def tiny_builtin_model(untrained_model_dir, monkeypatch) -> Path:
    """The app's built-in model is the untrained tiny one (import and generation alike)."""

    def load_builtin(name: str = "drc-mini", device: torch.device | str = "cpu") -> MiniBackend:
        return MiniBackend.load(untrained_model_dir, device)

    monkeypatch.setattr(backends, "load_builtin", load_builtin)
    return untrained_model_dir
