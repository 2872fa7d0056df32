"""The one place the app opens a user's file for reading (DESIGN.md §4, issue 13 §3).

A path a user gives (an image to import, a reference, a model file, a config) may name
anything: a FIFO that blocks an ``open`` forever, ``/dev/zero`` that never ends, a folder, a
symbolic link to any of these, or a file that another program is still writing. So:

- the open never blocks (``O_NONBLOCK``; then ``fstat`` on the open descriptor, so the check
  and the read see the same file even if the path is swapped in between);
- only regular files are read; anything else is refused, naming what it is;
- each purpose has its own size cap, checked before reading, and the read itself stops one
  byte past the cap, so a file that grows meanwhile is refused rather than read on and on.

Every failure is an :class:`InputError` (or the subclass the caller asks for) whose message
starts with the path.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from drc_desktop.core.errors import InputError

_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO opens at once instead of waiting for a writer
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@contextmanager
def open_user_file(
    path: str | os.PathLike[str], error: type[InputError] = InputError
) -> Iterator[tuple[BinaryIO, int]]:
    """Open a user's regular file for reading: ``(file, size at open)``.

    For files read in a stream (hashing a multi-GB checkpoint, a safetensors header).

    Raises:
        error: the path is missing, unreadable or not a regular file.
    """
    path = Path(path)
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except IsADirectoryError:
        raise error(f"{path}: not a regular file (a folder)") from None
    except OSError as exc:
        raise error(f"{path}: cannot read file ({exc.strerror or exc})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            kind = next((name for test, name in _KINDS if test(info.st_mode)), "a special file")
            raise error(f"{path}: not a regular file ({kind})")
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)  # a regular file: ordinary reads from here on
        file = os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
    with file:
        yield file, info.st_size


def read_user_file(
    path: str | os.PathLike[str], max_bytes: int, error: type[InputError] = InputError
) -> bytes:
    """The whole content of a user's regular file of at most ``max_bytes`` bytes.

    Raises:
        error: missing, unreadable, not a regular file, or over ``max_bytes`` (when opened,
            or by growing while it was read).
    """
    with open_user_file(path, error) as (file, size):
        if size > max_bytes:
            raise error(f"{path}: file is over the limit of {max_bytes:,} bytes")
        try:
            data = file.read(max_bytes + 1)
        except OSError as exc:
            raise error(f"{path}: cannot read file ({exc.strerror or exc})") from None
    if len(data) > max_bytes:
        raise error(f"{path}: file is over the limit of {max_bytes:,} bytes (it grew while read)")
    return data
