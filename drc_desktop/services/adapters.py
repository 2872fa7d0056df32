"""``drc train profile-adapter``: train and store a profile's learned composition."""

from __future__ import annotations

from dataclasses import replace

from drc_desktop.core.errors import InputError
from drc_desktop.ml.backends import trains_profile_adapter
from drc_desktop.ml.devices import resolve_device
from drc_desktop.ml.sd.clip_encoder import encoder_identity
from drc_desktop.ml.sd.profile_adapter import (
    AdapterConfig,
    config_dict,
    train_profile_adapter,
)
from drc_desktop.ml.sd.registry import ready_for_generation
from drc_desktop.store.audit import now
from drc_desktop.store.records import StoredProfileAdapter
from drc_desktop.store.vault import Vault


def train_for_profile(
    vault: Vault, name: str, device: str = "auto", steps: int | None = None, seed: int = 0
) -> dict:
    """Train on the profile's stored items (this encoder's only) and save to the vault.

    Raises:
        InputError: the profile uses the built-in model, or has too few usable items.
    """
    profile = vault.profiles.get(name)
    if not trains_profile_adapter(profile.model):
        raise InputError(
            f"profile {name!r} uses the built-in model, whose composition is already trained"
        )
    model = vault.models.get(profile.model)
    adapter_model, encoder_model = ready_for_generation(vault.models, model)
    identity = encoder_identity(encoder_model.name, encoder_model.manifest)
    items = [i.vectors for i in vault.history.list(profile.id) if i.vectors.encoder == identity]
    if not items:
        raise InputError(f"profile {name!r} has no history from {encoder_model.name!r} yet")
    plus = adapter_model.details["variant"] == "plus"
    config = AdapterConfig(
        token_dim=items[0].features.shape[-1],
        num_tokens=items[0].features.shape[0],
        target="hidden" if plus else "embedding",
        target_dim=items[0].features.shape[-1] if plus else items[0].style.size,
        seed=seed,
    )
    if steps is not None:
        config = replace(config, steps=steps)
    adapter, report = train_profile_adapter(items, config, str(resolve_device(device)))
    vault.profile_adapters.save(
        StoredProfileAdapter(
            profile.id, identity, config_dict(config), adapter.to_bytes(), report, now()
        )
    )
    return report
