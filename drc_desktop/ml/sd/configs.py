"""The SD 1.5 and SDXL component configs shipped in ``resources/diffusers-configs/``.

``from_single_file`` needs each component's config; without a local ``config`` folder it
downloads them. These folders hold ``model_index.json`` and the UNet, VAE, text-encoder and
scheduler configs of the released models (checked against their parameter counts in
``tests/ml/test_diffusers_configs.py``). They hold no tokenizer vocabularies.
"""

from __future__ import annotations

from pathlib import Path

from drc_desktop.core.errors import ModelError
from drc_desktop.core.resources import RESOURCES_DIR

CONFIGS_DIR = RESOURCES_DIR / "diffusers-configs"


def config_folder(architecture: str) -> Path:
    folder = CONFIGS_DIR / architecture
    if not (folder / "model_index.json").is_file():
        raise ModelError(f"no shipped configuration for architecture {architecture!r}")
    return folder
