"""Pictures of a profile's history rebuilt from the vault, in memory only (issue 12 §2).

The vault keeps no pixels of the history, only vectors; the model can make a picture from
an item's own vectors (``services/rebuilt_history.py``). This view-model asks for the
pictures of the items the Profile tab shows, one job at a time on the engine thread, and
holds them as PNG bytes in memory: never on disk, never in the vault, dropped when the vault
locks (:meth:`clear`). A built-in-model profile gets them as its items come into view; a
Stable Diffusion profile only for the item the designer asks for (:meth:`rebuild_now`), as
each one costs a whole generation.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from drc_desktop.core.progress import Progress
from drc_desktop.model.activity import Activity
from drc_desktop.model.session import SessionModel

THUMBNAIL_STEPS = 10
"""Denoising steps of a picture rebuilt on sight: a 64 px thumbnail made for every item shown,
so half drc-mini's default of 20 (20 steps took 5.9 s for one item with the shipped v1 model on
one busy CPU thread); how far it is from the 20-step picture is not measured. A rebuild on
request uses the model's own default."""


class RebuiltHistoryModel(QObject):
    """``images``: item id -> PNG bytes of its rebuilt picture (memory only)."""

    image_ready = Signal(int)  # item id
    cleared = Signal()
    _made = Signal(int, int, bytes)  # generation of the cache, item id, PNG (engine thread)

    def __init__(self, session: SessionModel) -> None:
        super().__init__()
        self.session = session
        self.images: dict[int, bytes] = {}
        self.activity = Activity(session, self.tr("Loading the model…"))
        self.failed: set[int] = set()  # items whose rebuild failed: not asked for again
        self._wanted: tuple[str, list[int]] | None = None  # profile, items shown, not made yet
        self._asked: tuple[str, list[int]] = ("", [])  # the last job's profile and items
        self._cache_generation = 0  # pictures made before the last clear are dropped
        self._made.connect(self._keep)
        self.activity.failed.connect(self._failed)
        self.activity.running_changed.connect(self._running_changed)

    def show(self, profile_name: str, item_ids: list[int]) -> None:
        """The items now on screen: rebuild those without a picture (on sight, thumbnails)."""
        missing = [i for i in item_ids if i not in self.images and i not in self.failed]
        self._wanted = (profile_name, missing) if missing else None
        if self.activity.running and profile_name != self._asked[0]:
            self.activity.cancel()  # another profile is shown now: its pictures come first
        self._next()

    def rebuild_now(self, profile_name: str, item_id: int) -> None:
        """Rebuild one item at the model's own settings (a Stable Diffusion profile's button)."""
        self._start(profile_name, [item_id], steps=None)

    def clear(self) -> None:
        """Drop every picture and stop rebuilding (the vault locks)."""
        self._cache_generation += 1
        self.activity.cancel()
        self.images.clear()
        self.failed.clear()
        self._wanted = None
        self.cleared.emit()

    def _next(self) -> None:
        if self._wanted is None or self.activity.running:
            return
        profile_name, item_ids = self._wanted
        self._wanted = None
        missing = [i for i in item_ids if i not in self.images and i not in self.failed]
        if missing:
            self._start(profile_name, missing, steps=THUMBNAIL_STEPS, give_way=True)

    def _start(
        self, profile_name: str, item_ids: list[int], steps: int | None, give_way: bool = False
    ) -> None:
        """One job for ``item_ids``; with ``give_way`` it ends at the next denoising step when
        another job waits (thumbnails made on sight never hold up what the designer asked
        for: the items left are asked for again after it)."""
        session, generation = self.session, self._cache_generation

        def work(should_stop):
            from drc_desktop.core.images import encode_png
            from drc_desktop.services.rebuilt_history import rebuild_items

            profile = session.vault.profiles.get(profile_name)
            model = session.generator(profile.model)
            done: list[int] = []

            def stop() -> bool:
                return should_stop() or (give_way and session.engine.waiting > 0)

            text = self.tr("rebuilding image {} of {} · step {} of {}")
            for step in rebuild_items(session.vault, model, profile.id, item_ids, steps=steps,
                                      should_stop=stop):  # fmt: skip
                done_steps = (step.position - 1) * step.total + step.step
                yield Progress(
                    done_steps,
                    step.count * step.total,
                    text.format(step.position, step.count, step.step, step.total),
                )
                if step.image is not None:
                    self._made.emit(generation, step.item_id, encode_png(step.image))
                    done.append(step.item_id)
            return done

        if not self.activity.running:
            self._asked = (profile_name, list(item_ids))
            self.activity.start("rebuild history", work, self._finished)

    def _keep(self, generation: int, item_id: int, png: bytes) -> None:
        if generation != self._cache_generation:
            return  # made for a cache that a lock has dropped since
        self.images[item_id] = png
        self.image_ready.emit(item_id)

    def _finished(self, done: list[int]) -> None:
        """The job ended early to give way to another: its other items come next."""
        profile_name, asked = self._asked
        left = [i for i in asked if i not in done and i not in self.images]
        if left and self._wanted is None:
            self._wanted = (profile_name, left)

    def _failed(self, message: str) -> None:
        self.failed.update(i for i in self._asked[1] if i not in self.images)

    def _running_changed(self, running: bool) -> None:
        if not running:
            # after the activity's ``failed``, which follows this signal
            QTimer.singleShot(0, self, self._next)
