"""Sets of assets (issue 12 §2): one generation per reference, stored reference by reference,
so a cancelled set keeps the references that finished and a set that stored nothing is not
kept."""

from __future__ import annotations

import pytest

from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.services.generation import generate_set
from tests.services import test_generation

vault = test_generation.vault  # the fixtures: a new vault, profile Alice with three stickers
profile_id = test_generation.profile_id


def references(tmp_path, count: int) -> list:
    paths = []
    for seed in range(count):
        path = tmp_path / f"reference {seed} #ü.png"
        test_generation.sticker(100 + seed).save(path)
        paths.append(path)
    return paths


def test_each_reference_is_stored_with_its_position_in_one_set(
    vault, trained_backend, profile_id, tmp_path
):
    request = GenerationRequest(profile_id=profile_id, n=2, steps=2)
    steps = list(generate_set(vault, trained_backend, request, references(tmp_path, 2)))
    stored = [step for step in steps if step.output_ids is not None]
    assert [step.position for step in stored] == [0, 1]
    (set_id,) = {step.set_id for step in steps}
    kept = vault.outputs.in_set(set_id)
    assert [(o.set_position, o.request.index) for o in kept] == [(0, 0), (0, 1), (1, 0), (1, 1)]
    assert vault.outputs.set_size(set_id) == 2
    # each reference's steps in turn, its last one carrying what was stored
    assert [(s.position, s.step, s.total, s.finished) for s in steps] == [
        (0, 1, 2, False), (0, 2, 2, True), (1, 1, 2, False), (1, 2, 2, True),
    ]  # fmt: skip


def test_a_cancelled_set_keeps_the_references_that_finished(
    vault, trained_backend, profile_id, tmp_path
):
    request = GenerationRequest(profile_id=profile_id, n=1, steps=2)
    stop: list[bool] = []
    for step in generate_set(
        vault, trained_backend, request, references(tmp_path, 3), should_stop=lambda: bool(stop)
    ):
        if step.output_ids is not None:
            stop.append(True)  # Cancel, right after the first reference is stored
    (kept,) = vault.outputs.list(profile_id)
    assert kept.set_position == 0


def test_a_set_that_stored_nothing_is_not_kept(vault, trained_backend, profile_id, tmp_path):
    request = GenerationRequest(profile_id=profile_id, n=1, steps=2)
    before = vault.outputs.create_set(profile_id, 1)
    cancelled = generate_set(
        vault, trained_backend, request, references(tmp_path, 2), should_stop=lambda: True
    )
    assert list(cancelled) == []
    assert vault.outputs.list(profile_id) == []
    with pytest.raises(InputError):
        vault.outputs.set_size(before + 1)  # the cancelled set's row is gone
    assert vault.outputs.create_set(profile_id, 1) == before + 2  # and its id is not reused
