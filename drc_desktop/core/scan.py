"""Which files an import looks at: folders walked recursively, everything else named a status.

An import reports every file it was given or found (DESIGN.md §4: reject and report, keep
going). :func:`scan_paths` decides, by name alone, which files are candidates and which are
skipped: not an image by name, hidden, or an operating-system file such as ``Thumbs.db``.
Hidden and system folders are skipped as a whole (one entry for the folder). Nothing is read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from drc_desktop.core.images import IMAGE_SUFFIXES

SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "ehthumbs_vista.db", "desktop.ini", "icon\r"})
SYSTEM_FOLDERS = frozenset({"$recycle.bin", "system volume information", "__macosx"})


@dataclass(frozen=True)
class ScannedFile:
    """A file to import (``problem`` None), or one that is skipped or missing and why."""

    path: Path
    problem: str | None = None
    missing: bool = False


def scan_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[ScannedFile]:
    """Expand files and folders in order, folders sorted, each path once.

    A path that does not exist gives ``missing=True`` (the caller reports it as rejected).
    """
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            entries = _walk(path)
        elif path.exists():
            entries = iter([ScannedFile(path, _skip_reason(path))])
        else:
            entries = iter([ScannedFile(path, "no such file or folder", missing=True)])
        for entry in entries:
            if entry.path not in seen:
                seen.add(entry.path)
                yield entry


def _walk(folder: Path) -> Iterator[ScannedFile]:
    for root, dirs, names in os.walk(folder):
        kept = []
        for name in sorted(dirs):
            reason = _folder_skip_reason(Path(root, name))
            if reason:
                yield ScannedFile(Path(root, name), reason)
            else:
                kept.append(name)
        dirs[:] = kept  # os.walk does not follow symbolic links to folders
        for name in sorted(names):
            path = Path(root, name)
            yield ScannedFile(path, _skip_reason(path))


def _skip_reason(path: Path) -> str | None:
    name = path.name
    if name.lower() in SYSTEM_FILES:
        return "system file"
    if name.startswith(".") or _hidden_on_windows(path):
        return "hidden file"
    if not path.is_file():
        return "not a regular file"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return "not an image by name"
    return None


def _folder_skip_reason(path: Path) -> str | None:
    if path.name.lower() in SYSTEM_FOLDERS:
        return "system folder"
    if path.name.startswith(".") or _hidden_on_windows(path):
        return "hidden folder"
    return None


def _hidden_on_windows(path: Path) -> bool:
    attributes = getattr(os.stat(path, follow_symlinks=False), "st_file_attributes", 0)
    hidden = stat.FILE_ATTRIBUTE_HIDDEN | stat.FILE_ATTRIBUTE_SYSTEM if os.name == "nt" else 0
    return bool(attributes & hidden)
