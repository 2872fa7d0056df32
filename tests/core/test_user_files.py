"""The one place user files are opened for reading (issue 13 §3): regular files only, never a
blocking open, a size cap per purpose, and files that grow while read stay within it."""

from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drc_desktop.core.errors import ImageError, InputError
from drc_desktop.core.images import read_image
from drc_desktop.core.user_files import open_user_file, read_user_file

pytestmark = pytest.mark.skipif(os.name != "posix", reason="FIFOs and devices are POSIX")

CAP = 4096


@contextmanager
def within_seconds(seconds: int):
    """Fail instead of hanging: a blocking open or an endless read raises here."""

    def timeout(*_):
        raise AssertionError(f"still reading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def make(kind: str, folder: Path, size: int) -> Path:
    path = folder / f"{kind}-{size}"
    if kind == "regular":
        path.write_bytes(os.urandom(size))
    elif kind == "sparse":  # a huge size with no data: refused by its size, never read
        with open(path, "wb") as file:
            file.truncate(CAP + 1 + size * 1_000_000)
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "folder":
        path.mkdir()
    elif kind == "missing":
        pass
    else:  # a device
        return Path({"zero": "/dev/zero", "null": "/dev/null", "urandom": "/dev/urandom"}[kind])
    return path


KINDS = ("regular", "sparse", "fifo", "folder", "missing", "zero", "null", "urandom")


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(kind=st.sampled_from(KINDS), size=st.integers(0, 2 * CAP), link=st.booleans())
def test_only_regular_files_within_the_cap_are_read(tmp_path_factory, kind, size, link):
    folder = tmp_path_factory.mktemp("files")
    path = make(kind, folder, size)
    if link:
        (folder / "link").symlink_to(path)
        path = folder / "link"
    with within_seconds(5):
        if kind == "regular" and size <= CAP:
            assert len(read_user_file(path, CAP)) == size
        else:
            with pytest.raises(InputError) as error:
                read_user_file(path, CAP)
            assert str(path) in str(error.value)


def test_a_fifo_with_a_writer_is_refused_without_reading_it(tmp_path):
    fifo = make("fifo", tmp_path, 0)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"x" * 10), daemon=True)
    writer.start()
    with within_seconds(5), pytest.raises(InputError, match="FIFO"):
        read_user_file(fifo, CAP)
    os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # lets the writer go


def test_a_file_that_grows_while_read_never_gives_more_than_the_cap(tmp_path):
    path = tmp_path / "growing"
    path.write_bytes(b"")
    stop = threading.Event()

    def grow():
        with open(path, "ab") as file:
            while not stop.is_set():
                file.write(b"y" * 512)
                file.flush()

    writer = threading.Thread(target=grow, daemon=True)
    writer.start()
    try:
        with within_seconds(5):
            for _ in range(50):
                try:
                    assert len(read_user_file(path, CAP)) <= CAP
                except InputError as exc:
                    assert "limit" in str(exc)
    finally:
        stop.set()
        writer.join()


def test_open_user_file_gives_a_stream_of_a_regular_file_only(tmp_path):
    path = make("regular", tmp_path, 100)
    with open_user_file(path) as (file, size):
        assert size == 100 and len(file.read()) == 100
    fifo = make("fifo", tmp_path, 0)
    with within_seconds(5), pytest.raises(InputError, match="not a regular file"):
        open_user_file(fifo).__enter__()


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "folder"])
def test_read_image_refuses_what_is_not_a_regular_file_at_once(tmp_path, kind):
    with within_seconds(5), pytest.raises(ImageError, match="not a regular file"):
        read_image(make(kind, tmp_path, 0))
