"""Rebuilding a profile's history items from the vault: the items asked for, in order, the
ones removed meanwhile left out, nothing written to the vault (issue 12 §2)."""

from __future__ import annotations

import random

import pytest

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.mini_backend import MiniBackend
from drc_desktop.services.rebuilt_history import rebuild_items, rebuilds_on_sight
from drc_desktop.store.vault import Vault
from tests.tiny_models import untrained_model_dir  # noqa: F401 (a fixture)


@pytest.fixture
def profile_with_history(tmp_path, untrained_model_dir):  # noqa: F811
    backend = MiniBackend.load(untrained_model_dir)
    style = stickers.sample_style(random.Random(5))
    images = [stickers.render(style, semantics) for semantics in stickers.ALL_SEMANTICS[:3]]
    with Vault.create(tmp_path / "home", "rebuild test passphrase") as vault:
        profile = vault.profiles.create("Alice", "drc-mini")
        ids = [
            vault.history.add(profile.id, vectors, bytes([index]) * 32)
            for index, vectors in enumerate(backend.describe(images))
        ]
        yield vault, backend, profile.id, ids


def test_the_items_asked_for_are_rebuilt_in_that_order_and_nothing_is_stored(
    profile_with_history,
):
    vault, backend, profile_id, ids = profile_with_history
    before = vault.outputs.list(profile_id), vault.history.count(profile_id)
    steps = list(rebuild_items(vault, backend, profile_id, [ids[2], ids[0]], steps=2))
    pictures = [(s.item_id, s.position, s.count) for s in steps if s.image is not None]
    assert pictures == [(ids[2], 1, 2), (ids[0], 2, 2)]
    assert [s.step for s in steps if s.item_id == ids[2]] == [1, 2]
    assert (vault.outputs.list(profile_id), vault.history.count(profile_id)) == before


def test_an_item_removed_meanwhile_is_left_out(profile_with_history):
    vault, backend, profile_id, ids = profile_with_history
    vault.history.remove(ids[1])
    steps = list(rebuild_items(vault, backend, profile_id, ids, steps=1))
    assert [s.item_id for s in steps if s.image is not None] == [ids[0], ids[2]]


def test_rebuilding_stops_when_asked(profile_with_history):
    vault, backend, profile_id, ids = profile_with_history
    pictures: list[int] = []
    for step in rebuild_items(vault, backend, profile_id, ids, steps=2,
                              should_stop=lambda: bool(pictures)):  # fmt: skip
        if step.image is not None:
            pictures.append(step.item_id)
    assert pictures == [ids[0]]


def test_only_the_builtin_model_rebuilds_on_sight():
    assert rebuilds_on_sight("drc-mini")
    assert not rebuilds_on_sight("my-sd15")
