"""Shared fixtures: tiny model sizes, one tiny trained model per session.

Every test here must run in seconds on a laptop CPU, so sizes are the smallest the
architecture accepts (GroupNorm with 8 groups needs widths divisible by 8; attention with 4
heads needs widths divisible by 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from drc_desktop.ml.drc_mini import MiniConfig, MiniModel
from drc_desktop.ml.training import TrainConfig, train_builtin

TINY_CONFIG = MiniConfig(unet_channels=(8, 16, 16), token_dim=16, part_dim=16, pooled_dim=16)


@pytest.fixture(scope="session", autouse=True)
def _fast_cpu_math():
    """Denormals make tiny untrained nets crawl on CPU; one thread keeps tests polite."""
    threads = torch.get_num_threads()
    torch.set_flush_denormal(True)
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="session")
def tiny_config() -> MiniConfig:
    return TINY_CONFIG


@pytest.fixture(scope="session")
def trained_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A drc-mini folder trained once with ``TrainConfig.tiny()`` (do not modify it)."""
    out = tmp_path_factory.mktemp("drc-mini") / "model"
    return train_builtin(out, TrainConfig.tiny(), TINY_CONFIG)


@pytest.fixture(scope="session")
def trained_model(trained_model_dir: Path) -> MiniModel:
    return MiniModel.load(trained_model_dir, methods=("drc", "entangled"))
