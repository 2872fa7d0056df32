"""Can a profile's stored vectors be used by its model? (issue #10 §4: drc-mini v1 profiles)

Vectors are tagged with the encoder that made them (``name@weights-hash``); features of one
encoder cannot be converted to another's (DESIGN.md §3). drc-mini v2 shipped a new encoder (a
later version may too), so a profile imported with an earlier one keeps its vectors but
cannot generate until its images are imported again. This module says so per profile,
without loading torch: the built-in encoder's identity is read from the shipped model's
config and manifest.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from drc_desktop.core.requests import BUILTIN_MODEL
from drc_desktop.core.resources import RESOURCES_DIR
from drc_desktop.store.vault import Vault

BUILTIN_FOLDER = RESOURCES_DIR / "models" / "drc-mini"
# The built-in model's earlier encoders, by the name their vectors are tagged with: each
# new encoder makes the earlier one's vectors unusable (issue #10 §4).
EARLIER_ENCODERS = {
    "drc-mini-encoder": "drc-mini v1",
    "drc-mini-v2-encoder": "drc-mini v2.0-v2.4",
}


@cache
def builtin_encoder_identity(folder: Path = BUILTIN_FOLDER) -> str | None:
    """The identity ``MiniModel.load`` gives the shipped encoder, or None if unreadable."""
    try:
        config = json.loads((folder / "config.json").read_text())
        digest = json.loads((folder / "manifest.json").read_text())["sha256"]
        return f"{config['encoder_identity']}@{digest['encoder.safetensors'][:16]}"
    except (OSError, ValueError, KeyError, TypeError):
        return None


def reimport_reason(encoders: set[str], current: str | None) -> str | None:
    """Why vectors from ``encoders`` cannot be used with encoder ``current`` (None if they
    can, or if nothing is known to be wrong)."""
    if not encoders or current is None or encoders == {current}:
        return None
    names = {encoder.split("@", 1)[0] for encoder in encoders - {current}}
    current_name = current.split("@", 1)[0]
    if len(names) == 1 and (name := names.pop()) in EARLIER_ENCODERS and name != current_name:
        return (
            f"imported with {EARLIER_ENCODERS[name]}: import its images again to use "
            "this version of drc-mini"
        )
    return "imported with another encoder: import its images again"


def profile_reimport_reasons(vault: Vault) -> dict[int, str]:
    """``{profile id: reason}`` for every built-in-model profile that needs its images
    imported again; the other profiles (and Stable Diffusion ones) are absent."""
    current = builtin_encoder_identity()
    reasons = {}
    for profile in vault.profiles.list():
        if profile.model != BUILTIN_MODEL or not profile.history_count:
            continue
        encoders = vault.history.encoders(profile.id)
        reason = reimport_reason(encoders, current)
        if reason is not None:
            reasons[profile.id] = reason
    return reasons
