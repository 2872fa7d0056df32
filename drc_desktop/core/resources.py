"""Where the shipped resources (the built-in model, Stable Diffusion configs) are.

In a checkout (development, tests) they are the repository's ``resources/`` folder; an
installed wheel (the offline bundle, issue #6) carries them as data files in
``<environment>/share/drc-desktop/resources``.
"""

from __future__ import annotations

import sys
from pathlib import Path

CHECKOUT_RESOURCES = Path(__file__).resolve().parents[2] / "resources"
INSTALLED_RESOURCES = Path(sys.prefix) / "share" / "drc-desktop" / "resources"


def resources_dir() -> Path:
    if (CHECKOUT_RESOURCES / "models").is_dir():
        return CHECKOUT_RESOURCES
    return INSTALLED_RESOURCES


RESOURCES_DIR = resources_dir()
