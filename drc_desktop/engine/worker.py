"""The engine: one worker thread that runs jobs one at a time and reports through signals.

A job is a function ``work(should_stop) -> generator``: the generator yields ``Progress``
and returns its result (``return value``). Between yields the worker checks nothing itself;
the job checks ``should_stop()``, which turns true after :meth:`Engine.cancel`. Every vault
and model call happens on this one thread, so the SQLCipher connection and the GPU are never
used from two threads at once. Expected errors (``DrcError``) become messages a person can
act on; anything else becomes one plain sentence, with the details on stderr.

Every job ends exactly once, whatever happens to it: ``job_ended(id, state)`` follows its
``job_finished``, ``job_failed`` or ``job_cancelled`` (a queued job dropped by a cancel or a
lock ends too). View-models return to idle on ``job_ended`` alone, so no failure can leave a
view waiting (DESIGN.md §5; issue 12: Compose stayed disabled after a failed generation).
"""

from __future__ import annotations

import itertools
import sys
import threading
import traceback
import weakref
from collections.abc import Callable, Generator
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QObject, QThread, Signal, Slot

from drc_desktop.core.errors import DrcError
from drc_desktop.core.progress import Progress
from drc_desktop.engine.messages import describe_error

Work = Callable[[Callable[[], bool]], Generator[Progress, None, object]]


class JobState(StrEnum):
    queued = "queued"
    running = "running"
    finished = "finished"
    failed = "failed"
    cancelled = "cancelled"


@dataclass
class Job:
    id: int
    name: str
    work: Work
    state: JobState = JobState.queued


class _Worker(QObject):
    run_job = Signal(object)
    started = Signal(int, str)
    progressed = Signal(int, int, int, str)
    done = Signal(int, str, object)  # id, state, result or exception

    def __init__(self) -> None:
        super().__init__()
        self.stop = threading.Event()
        self.run_job.connect(self._run)

    @Slot(object)
    def _run(self, job: Job) -> None:
        self.started.emit(job.id, job.name)
        try:
            steps = job.work(self.stop.is_set)
            while True:
                try:
                    update = next(steps)
                except StopIteration as end:
                    result = end.value
                    break
                self.progressed.emit(job.id, update.done, update.total, update.text)
        except DrcError as exc:
            self.done.emit(job.id, JobState.failed.value, exc)
            return
        except Exception as exc:  # the one place unexpected errors are reported
            traceback.print_exc(file=sys.stderr)
            self.done.emit(job.id, JobState.failed.value, exc)
            return
        state = JobState.cancelled if self.stop.is_set() else JobState.finished
        self.done.emit(job.id, state.value, result)


class Engine(QObject):
    """Submit jobs from the GUI thread; signals arrive on the GUI thread."""

    job_started = Signal(int, str)
    job_progress = Signal(int, int, int, str)  # id, done, total, text
    job_finished = Signal(int, object)  # id, result
    job_failed = Signal(int, str)  # id, message for the user
    job_cancelled = Signal(int)
    job_ended = Signal(int, str)  # id, JobState value: after every job, whatever its end
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._queue: list[Job] = []
        self._running: Job | None = None
        self._thread = QThread()
        self._thread.setObjectName("drc-engine")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._worker.started.connect(self.job_started)
        self._worker.progressed.connect(self.job_progress)
        self._worker.done.connect(self._on_done)
        self._thread.start()
        _live.add(self)

    @property
    def busy(self) -> bool:
        return self._running is not None

    @property
    def waiting(self) -> int:
        """How many jobs wait for the running one (readable from the worker thread: work that
        can be resumed later, such as rebuilding history pictures, gives way to them)."""
        return len(self._queue)

    def submit(self, name: str, work: Work) -> int:
        """Queue ``work``; returns the job's id. Jobs run in submission order."""
        job = Job(next(self._ids), name, work)
        self._queue.append(job)
        self._next()
        return job.id

    def cancel(self, job_id: int | None = None) -> None:
        """Cancel one job (running: it stops at its next ``should_stop()`` check; queued: it
        never starts), or with no id the running job and every queued one. Each cancelled
        job gets ``job_cancelled``."""
        dropped = [job for job in self._queue if job_id is None or job.id == job_id]
        self._queue = [job for job in self._queue if job not in dropped]
        for job in dropped:
            job.state = JobState.cancelled
            self.job_cancelled.emit(job.id)
            self.job_ended.emit(job.id, JobState.cancelled.value)
        if self._running is not None and job_id in (None, self._running.id):
            self._worker.stop.set()

    def shutdown(self) -> None:
        self.cancel()
        self._thread.quit()
        self._thread.wait()
        _live.discard(self)

    def _next(self) -> None:
        if self._running is None and self._queue:
            self._running = self._queue.pop(0)
            self._running.state = JobState.running
            # cleared here, not on the worker: a cancel that comes before the job starts counts
            self._worker.stop.clear()
            self.busy_changed.emit(True)
            self._worker.run_job.emit(self._running)

    @Slot(int, str, object)
    def _on_done(self, job_id: int, state: str, value: object) -> None:
        self._running = None
        try:
            if state == JobState.finished:
                self.job_finished.emit(job_id, value)
            elif state == JobState.cancelled:
                self.job_cancelled.emit(job_id)
            else:
                self.job_failed.emit(job_id, describe_error(value))
        finally:  # a slot that raises must not keep the job from ending
            self.job_ended.emit(job_id, state)
        self._next()
        if self._running is None:
            self.busy_changed.emit(False)


_live: weakref.WeakSet[Engine] = weakref.WeakSet()


def running_engines() -> list[Engine]:
    """Engines whose thread still runs (tests check none is left behind)."""
    return [engine for engine in _live if engine._thread.isRunning()]
