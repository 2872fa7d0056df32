"""Python's cyclic garbage collection, run on the GUI thread only.

CPython collects reference cycles in whichever thread happens to allocate when a
generation's threshold trips. The engine's worker thread allocates the most (loading a
model, generating), so that is often the worker; when the garbage then holds Qt objects of
the GUI thread (the widgets of a closed dialog or window, a view-model), their C++
destructors run off their thread and Qt crashes. CI saw it as a segfault "Garbage-collecting"
inside safetensors' ``load_file`` on the worker while the GUI thread ran its event loop.

The remedy known from PyQt and PySide applications: switch automatic collection off and
collect from a timer on the GUI thread, one generation at a time as CPython's own thresholds
say. Reference counting still frees at once everything that is not in a cycle; only cycles
wait for the next tick.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer, Slot

COLLECT_INTERVAL_MS = 250


class MainThreadCollector(QObject):
    """While it runs, cyclic garbage is collected on the thread that created it (the GUI
    thread) and nowhere else. :meth:`stop` collects once more and restores automatic
    collection as it was."""

    def __init__(self, interval_ms: int = COLLECT_INTERVAL_MS, parent: QObject | None = None):
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect_due)
        self._timer.start()

    @Slot()
    def collect_due(self) -> int:
        """Collect the oldest generation whose count has passed its threshold, as CPython's
        automatic collection would; returns that generation, or -1 if none is due."""
        counts, thresholds = gc.get_count(), gc.get_threshold()
        due = [g for g in range(3) if thresholds[g] and counts[g] > thresholds[g]]
        if not due:
            return -1
        gc.collect(due[-1])
        return due[-1]

    def stop(self) -> None:
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()
