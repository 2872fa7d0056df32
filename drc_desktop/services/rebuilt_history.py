"""History you can see without keeping pixels (issue 12 §2): each stored history item rebuilt
into an image by the profile's model from that item's own vectors.

The pictures are made for the caller to show and are never stored: not in the vault, not on
disk (the GUI keeps them in memory until the vault locks; tests/ui/test_privacy_gui.py scans
for them). They are what the model makes of the vectors, not the imported images.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from PIL import Image

from drc_desktop.ml import backends
from drc_desktop.ml.backend import Backend
from drc_desktop.store.vault import Vault


@dataclass(frozen=True)
class RebuildStep:
    """Item ``item_id`` (``position`` of ``count`` asked for, from 1) is at denoising ``step``
    of ``total``; ``image`` is its picture, on its last step only."""

    item_id: int
    position: int
    count: int
    step: int
    total: int
    image: Image.Image | None = None


def rebuilds_on_sight(model_name: str) -> bool:
    """Whether a profile of ``model_name`` shows its history rebuilt without being asked (the
    built-in model); otherwise each item is rebuilt on request (it costs a generation)."""
    return backends.rebuilds_on_sight(model_name)


def rebuild_items(
    vault: Vault,
    backend: Backend,
    profile_id: int,
    item_ids: list[int],
    *,
    steps: int | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[RebuildStep]:
    """Rebuild the profile's items ``item_ids``, one after the other, in the order given.

    Ids that are no longer in the profile (removed meanwhile) are left out. Stops, without
    the current item's picture, when ``should_stop()`` turns true.

    Raises:
        InputError: an item was imported with another image encoder than the model's.
        ModelError: the model failed.
    """
    wanted = set(item_ids)
    items = {item.id: item for item in vault.history.list(profile_id) if item.id in wanted}
    present = [item_id for item_id in item_ids if item_id in items]
    for position, item_id in enumerate(present, start=1):
        for step in backend.rebuild(items[item_id].vectors, steps=steps, should_stop=should_stop):
            image = step.images[0] if step.images else None
            yield RebuildStep(item_id, position, len(present), step.step, step.total, image)
        if should_stop is not None and should_stop():
            return
