"""Files written under a temporary name next to their final place, then put there.

A staged file is named ``<final name>.drc-<kind>-<pid>-<random>.partial``: unique, owned by
the app, and marked with the process that writes it. Nothing else is ever removed: a leftover
is a file with that mark whose process is gone (a crash, a kill), and it goes with its SQLite
sidecars (``-journal``, ``-wal``, ``-shm``). A file is put in place without replacing one that
is already there (issue 13 §1: a backup deleted the user's ``report.partial``).
"""

from __future__ import annotations

import errno
import os
import re
import secrets
from pathlib import Path

from drc_desktop.store.sessions import process_alive

SQLITE_SIDECARS = ("-journal", "-wal", "-shm")
_NO_HARD_LINKS = (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK)


def staging_path(final: Path, kind: str) -> Path:
    """A new, unique staging name for ``final`` (the file is not created)."""
    return final.with_name(f"{final.name}.drc-{kind}-{os.getpid()}-{secrets.token_hex(6)}.partial")


def create_private(path: Path) -> None:
    """Create the empty file ``path``, owner-only; FileExistsError if anything is there."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def leftovers(folder: Path, kind: str) -> list[Path]:
    """Staged files of ``kind`` in ``folder`` whose writing process is gone (and sidecars)."""
    sidecars = "|".join(SQLITE_SIDECARS)
    mark = re.compile(rf".+\.drc-{re.escape(kind)}-(\d+)-[0-9a-f]{{12}}\.partial({sidecars})?")
    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return []
    found = []
    for name in names:
        match = mark.fullmatch(name)
        if match and not process_alive(int(match.group(1))):
            found.append(folder / name)
    return found


def remove_leftovers(folder: Path, kind: str) -> list[Path]:
    """Remove :func:`leftovers`; returns what was removed."""
    removed = leftovers(folder, kind)
    for path in removed:
        path.unlink(missing_ok=True)
    return removed


def remove_with_sidecars(path: Path) -> None:
    """Remove a staged database and the journal files SQLite may have left next to it."""
    for suffix in ("", *SQLITE_SIDECARS):
        Path(str(path) + suffix).unlink(missing_ok=True)


def place(source: Path, final: Path) -> None:
    """Give ``source`` the name ``final`` without ever replacing a file already there.

    A hard link then the removal of the old name (atomic on POSIX and NTFS); where the
    filesystem has no hard links, a rename after checking that ``final`` is free.

    Raises:
        FileExistsError: ``final`` exists (``source`` is left as it is).
        OSError: the move failed.
    """
    try:
        os.link(source, final)
    except FileExistsError:
        if final.exists() and os.path.samefile(source, final):  # linked before a crash
            source.unlink()
            return
        raise
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(final):
            raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(final)) from None
        os.rename(source, final)
        sync_folder(final.parent)
        return
    source.unlink()
    sync_folder(final.parent)


def sync_file(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_folder(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX; Windows has no folder fsync)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
