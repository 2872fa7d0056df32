"""The engine runs jobs one at a time off the GUI thread, with progress, errors and cancel."""

from __future__ import annotations

import threading

import pytest

from drc_desktop.core.errors import InputError
from drc_desktop.core.progress import Progress
from drc_desktop.engine.worker import Engine


@pytest.fixture
def engine():
    running = Engine()
    yield running
    running.shutdown()


def test_jobs_run_in_order_off_the_gui_thread_with_progress(engine, qtbot):
    threads, progress, results = [], [], []
    engine.job_progress.connect(lambda job, done, total, text: progress.append((job, done, total)))
    engine.job_finished.connect(lambda job, result: results.append((job, result)))

    def work(name):
        def run(should_stop):
            threads.append(threading.current_thread())
            for step in range(1, 3):
                yield Progress(step, 2, name)
            return name

        return run

    first = engine.submit("a", work("a"))
    second = engine.submit("b", work("b"))
    qtbot.waitUntil(lambda: len(results) == 2)
    assert results == [(first, "a"), (second, "b")]
    assert progress == [(first, 1, 2), (first, 2, 2), (second, 1, 2), (second, 2, 2)]
    assert threading.main_thread() not in threads and len(set(threads)) == 1


def test_errors_become_messages(engine, qtbot):
    failures = []
    engine.job_failed.connect(lambda job, message: failures.append(message))

    def expected(should_stop):
        raise InputError("the reference is not an image")
        yield

    def unexpected(should_stop):
        raise ZeroDivisionError("division by zero")
        yield

    engine.submit("expected", expected)
    engine.submit("unexpected", unexpected)
    qtbot.waitUntil(lambda: len(failures) == 2)
    assert failures == ["the reference is not an image", "Something went wrong: division by zero"]


def test_cancel_stops_the_running_job_and_drops_the_queue(engine, qtbot):
    cancelled, finished, steps = [], [], []
    engine.job_cancelled.connect(cancelled.append)
    engine.job_finished.connect(lambda job, result: finished.append(job))
    gate = threading.Event()

    def long_job(should_stop):
        for step in range(1000):
            steps.append(step)
            gate.set()
            if should_stop():
                return None
            yield Progress(step, 1000)
            threading.Event().wait(0.005)
        return "all done"

    running = engine.submit("long", long_job)
    queued = engine.submit("queued", long_job)
    assert gate.wait(10)
    engine.cancel()
    qtbot.waitUntil(lambda: sorted(cancelled) == [running, queued])
    qtbot.wait(50)
    assert finished == [] and len(steps) < 1000


def test_cancelling_one_job_leaves_the_others(engine, qtbot):
    cancelled, finished = [], []
    engine.job_cancelled.connect(cancelled.append)
    engine.job_finished.connect(lambda job, result: finished.append(job))
    gate = threading.Event()

    def waiting(should_stop):
        gate.wait(10)
        return "first"
        yield

    def quick(should_stop):
        return "quick"
        yield

    first = engine.submit("first", waiting)
    second = engine.submit("second", quick)
    third = engine.submit("third", quick)
    engine.cancel(second)  # queued: never starts
    gate.set()
    qtbot.waitUntil(lambda: finished == [first, third])
    assert cancelled == [second]


def test_every_job_ends_once_whatever_its_end(engine, qtbot):
    """Issue 12: a failed job never told its view it had ended; ``job_ended`` follows every
    job: finished, failed (expected or not), cancelled while running, dropped from the queue."""
    ended = []
    engine.job_ended.connect(lambda job, state: ended.append((job, state)))
    gate = threading.Event()

    def finishes(should_stop):
        return "done"
        yield

    def fails(should_stop):
        raise InputError("not an image")
        yield

    def crashes(should_stop):
        raise RuntimeError("boom")
        yield

    def waits(should_stop):
        gate.set()
        while not should_stop():
            yield Progress(0, 0)
            threading.Event().wait(0.005)

    jobs = [engine.submit(name, work) for name, work in
            (("a", finishes), ("b", fails), ("c", crashes), ("d", waits))]  # fmt: skip
    queued = engine.submit("e", finishes)
    qtbot.waitUntil(gate.is_set)  # the earlier jobs end through the GUI thread's event loop
    engine.cancel()
    qtbot.waitUntil(lambda: len(ended) == 5)
    qtbot.wait(50)
    assert sorted(ended) == sorted(
        zip([*jobs, queued], ["finished", "failed", "failed"] + ["cancelled"] * 2, strict=True)
    )
    assert not engine.busy


def test_wrong_passphrase_message_names_no_file(engine, qtbot):
    from drc_desktop.core.errors import WrongPassphraseError

    failures = []
    engine.job_failed.connect(lambda job, message: failures.append(message))

    def wrong(should_stop):
        raise WrongPassphraseError("/home/someone/.local/share/drc/vault.db: wrong passphrase")
        yield

    engine.submit("unlock", wrong)
    qtbot.waitUntil(lambda: len(failures) == 1)
    assert failures[0].startswith("Wrong passphrase") and "/home" not in failures[0]
