"""Profiles whose vectors the current built-in encoder cannot read are named, per profile."""

from __future__ import annotations

import numpy as np
import pytest

from drc_desktop.core.vectors import ImageVectors
from drc_desktop.services.compatibility import (
    builtin_encoder_identity,
    profile_reimport_reasons,
    reimport_reason,
)
from drc_desktop.store.vault import Vault

PASSPHRASE = "compatibility test passphrase"


def vectors(encoder: str) -> ImageVectors:
    zeros = np.zeros((16, 64), dtype=np.float32)
    return ImageVectors(encoder, zeros, zeros, zeros)


@pytest.fixture
def vault(tmp_path):
    with Vault.create(tmp_path / "home", PASSPHRASE) as opened:
        yield opened


def test_the_builtin_identity_is_the_one_the_loaded_model_gives():
    from drc_desktop.ml.builtin.drc_mini import MiniModel

    assert builtin_encoder_identity() == MiniModel.load().encoder.identity


def test_v1_profiles_are_told_to_import_again_and_current_ones_are_not(vault):
    current = builtin_encoder_identity()
    old = vault.profiles.create("Made with v1", "drc-mini")
    vault.history.add(old.id, vectors("drc-mini-encoder@0123456789abcdef"), vault.fingerprint(b"1"))
    new = vault.profiles.create("Made with v2", "drc-mini")
    vault.history.add(new.id, vectors(current), vault.fingerprint(b"2"))
    empty = vault.profiles.create("Empty", "drc-mini")

    reasons = profile_reimport_reasons(vault)

    assert set(reasons) == {old.id}
    assert "drc-mini v1" in reasons[old.id] and "import" in reasons[old.id]
    assert empty.id not in reasons


@pytest.mark.parametrize(
    ("name", "version"),
    [("drc-mini-encoder", "drc-mini v1"), ("drc-mini-v2-encoder", "drc-mini v2.0-v2.4")],
)
def test_a_profile_of_an_earlier_encoder_is_told_which_version_made_it(name, version):
    reason = reimport_reason({f"{name}@0123456789abcdef"}, "drc-mini-v2.5-encoder@fedcba")
    assert reason == (
        f"imported with {version}: import its images again to use this version of drc-mini"
    )


def test_the_same_encoder_name_with_other_weights_is_another_encoder():
    """A build of the current encoder's name with other weights is not an earlier version."""
    reason = reimport_reason({"drc-mini-v2-encoder@aaaa"}, "drc-mini-v2-encoder@bbbb")
    assert reason == "imported with another encoder: import its images again"


def test_a_mixed_history_needs_importing_again_too():
    reason = reimport_reason({"drc-mini-encoder@aa", "other@bb"}, "current@cc")
    assert reason is not None and "another encoder" in reason
    assert reimport_reason({"current@cc"}, "current@cc") is None
    assert reimport_reason(set(), "current@cc") is None
