"""Reference cycles are collected on the GUI thread, never on a worker (engine/collector.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from drc_desktop.engine.collector import MainThreadCollector


class _Cycle:
    """Half of a reference cycle that records the thread its finalizer runs on."""

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen
        self.partner = self

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


@pytest.fixture
def low_thresholds():
    """Collection would trip within a few allocations (and so, unguarded, on the worker)."""
    thresholds = gc.get_threshold()
    gc.set_threshold(10, 1, 1)
    yield
    gc.set_threshold(*thresholds)


def _make_garbage_on_a_worker(seen: list[str]) -> None:
    def work() -> None:
        _Cycle(seen)
        kept = [[] for _ in range(5000)]  # live allocations that cross the thresholds
        del kept

    worker = threading.Thread(target=work, name="worker")
    worker.start()
    worker.join()


def test_without_the_collector_a_worker_collects_the_cycle(low_thresholds):
    """The hazard itself, so the next test can fail: the worker's allocations collect it."""
    assert gc.isenabled()
    seen: list[str] = []
    _make_garbage_on_a_worker(seen)
    assert seen == ["worker"]


def test_the_collector_collects_cycles_on_its_own_thread_only(qtbot, low_thresholds):
    collector = MainThreadCollector(interval_ms=10)
    try:
        assert not gc.isenabled()
        seen: list[str] = []
        _make_garbage_on_a_worker(seen)
        assert seen == []  # the worker's allocations collected nothing
        qtbot.waitUntil(lambda: seen != [], timeout=2000)
        assert seen == [threading.main_thread().name]
    finally:
        collector.stop()
    assert gc.isenabled()


def test_a_due_generation_is_collected_and_none_when_nothing_is_due(qtbot, low_thresholds):
    collector = MainThreadCollector(interval_ms=60_000)  # no tick during the test
    try:
        gc.collect()
        assert collector.collect_due() == -1
        garbage = [[] for _ in range(50)]
        assert collector.collect_due() >= 0
        del garbage
    finally:
        collector.stop()


def test_stop_leaves_automatic_collection_off_when_it_was_off(qtbot):
    gc.disable()
    try:
        MainThreadCollector().stop()
        assert not gc.isenabled()
    finally:
        gc.enable()
