"""Shared fixtures: tiny model sizes, one tiny trained model per session.

Every test here must run in seconds on a laptop CPU, so sizes are the smallest the
architecture accepts (GroupNorm with 8 groups needs widths divisible by 8; attention with 4
heads needs widths divisible by 4).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from drc_desktop.ml.builtin.drc_mini import MiniConfig, MiniModel
from drc_desktop.ml.builtin.training import TrainConfig, train_builtin

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


@pytest.fixture(scope="session")
def tiny_sd_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Tiny SD 1.5 and SDXL pipelines, a CLIP image encoder and IP-Adapter files (base for
    both architectures, a "plus" header-only file), in the real on-disk layouts."""
    from diffusers import UNet2DConditionModel

    from tests import diffusers_fixtures as fixtures

    root = tmp_path_factory.mktemp("sd-models")
    paths = {
        "sd15": fixtures.build_sd15(root / "sd15"),
        "sdxl": fixtures.build_sdxl(root / "sdxl"),
        "encoder": fixtures.build_image_encoder(root / "image_encoder"),
        "plus": fixtures.write_plus_adapter_header(root / "ip-adapter-plus_sd15.safetensors"),
    }
    for architecture in ("sd15", "sdxl"):
        unet = UNet2DConditionModel.from_pretrained(paths[architecture] / "unet")
        path = root / f"ip-adapter_{architecture}.safetensors"
        embedding = fixtures.TINY_ENCODER["projection_dim"]
        paths[f"ip-{architecture}"] = fixtures.build_ip_adapter(path, unet, embedding)
        if architecture == "sd15":
            plus = root / "ip-adapter-plus-full_sd15.safetensors"
            hidden = fixtures.TINY_ENCODER["hidden_size"]
            paths["plus-sd15"] = fixtures.build_plus_adapter(plus, unet, hidden)
    return paths


@pytest.fixture(scope="session")
def trained_backend(trained_model_dir: Path, trained_model: MiniModel):
    """``trained_model`` behind the backend protocol (``MiniBackend``)."""
    from drc_desktop.ml.builtin.mini_backend import MiniBackend

    return MiniBackend(trained_model, trained_model_dir)
