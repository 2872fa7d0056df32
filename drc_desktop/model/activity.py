"""One kind of long work a view shows (an import, a generation, a style preview, hashing a
model): its own job, its own progress, and always back to idle when the job ends.

Issue 12: one progress bar was fed by every job (Compose showed the style preview's 95 %,
Import showed generation steps) and a failed generation never told Compose it had ended.
An :class:`Activity` hears only its own job, and returns to idle on the engine's
``job_ended``, which comes after every job whatever its end (finished, failed, cancelled,
dropped by a lock).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from drc_desktop.engine.worker import JobState
from drc_desktop.model.session import SessionModel


@dataclass(frozen=True)
class ActivityProgress:
    """What a progress bar shows: ``done`` of ``total`` (``total`` 0: busy, no estimate yet,
    e.g. while a model loads) and one line of text ("step 7 of 20 · about 3 s left")."""

    done: int
    total: int
    text: str

    @property
    def busy(self) -> bool:
        return self.total <= 0


IDLE = ActivityProgress(0, 1, "")


def seconds_left(started: float, first_done: int, done: int, total: int, now: float) -> float:
    """Time left at the pace since the first report (which leaves out a model's loading)."""
    if done <= first_done or total <= 0:
        return float("nan")
    return (now - started) / (done - first_done) * (total - done)


class Activity(QObject):
    running_changed = Signal(bool)
    progress_changed = Signal(object)  # ActivityProgress
    failed = Signal(str)  # the job's error, as a sentence
    cancelled = Signal()
    _reported = Signal(int, int, str)  # from the engine thread, for work that cannot yield

    def __init__(self, session: SessionModel, starting_text: str = "") -> None:
        super().__init__()
        self.session = session
        self.starting_text = starting_text
        self.job: int | None = None
        self.progress = IDLE
        self._pace: tuple[float, int] | None = None  # time and count of the first report
        self._reported.connect(self._on_progress)

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self, name: str, work, on_done: Callable | None = None) -> int | None:
        """Run ``work`` as this activity's job (not while one runs); ``on_done(result)``
        only when it finishes."""
        if self.running:
            return None
        self._pace = None
        self._show(ActivityProgress(0, 0, self.starting_text))
        self.job = self.session.run(
            name, work, on_done, on_end=self._ended, on_progress=self._on_progress
        )
        self.running_changed.emit(True)
        return self.job

    def cancel(self) -> None:
        if self.job is not None:
            self.session.cancel(self.job)

    def report(self, done: int, total: int, text: str) -> None:
        """Progress from inside a job's work on the engine thread (thread-safe)."""
        self._reported.emit(done, total, text)

    def _on_progress(self, done: int, total: int, text: str) -> None:
        if self.job is None:
            return
        now = time.monotonic()
        if total <= 0:
            self._show(ActivityProgress(0, 0, text))
            return
        if self._pace is None:
            self._pace = (now, done)
        left = seconds_left(*self._pace, done, total, now)
        if left == left and done < total:  # not NaN
            text = self.tr("{} · about {} s left").format(text, max(1, round(left)))
        self._show(ActivityProgress(done, total, text))

    def _ended(self, state: JobState, message: str | None) -> None:
        self.job = None
        self._show(IDLE)
        self.running_changed.emit(False)
        if state == JobState.failed and message:
            self.failed.emit(message)
        elif state == JobState.cancelled:
            self.cancelled.emit()

    def _show(self, progress: ActivityProgress) -> None:
        self.progress = progress
        self.progress_changed.emit(progress)
