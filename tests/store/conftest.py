"""Vault fixtures: a fresh data folder per test and synthetic vectors (no model needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from drc_desktop.core.vectors import ImageVectors
from drc_desktop.store.vault import Vault

PASSPHRASE = "correct horse battery"
ENCODER = "test-encoder@0123456789abcdef"


def synthetic_vectors(seed: int, encoder: str = ENCODER) -> ImageVectors:
    rng = np.random.default_rng(seed)
    return ImageVectors(
        encoder,
        rng.standard_normal((16, 64)),
        rng.standard_normal((16, 64)),
        rng.standard_normal((16, 64)),
    )


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "drc-home"


@pytest.fixture
def vault(home: Path):
    with Vault.create(home, PASSPHRASE) as opened:
        yield opened
