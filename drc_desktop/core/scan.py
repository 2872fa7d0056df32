"""Which files an import (or a set of references) looks at: folders walked recursively,
everything else named a status.

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

from drc_desktop.core.errors import InputError
from drc_desktop.core.images import IMAGE_SUFFIXES
from drc_desktop.core.user_files import open_user_file

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


def reference_paths(
    paths: Iterable[str | os.PathLike[str]],
) -> tuple[list[Path], list[ScannedFile]]:
    """The references of a set (issue 12 §2): files as given, folders as their image files
    (sorted, as :func:`scan_paths` walks them); also the files of those folders that were
    skipped, with why (not an image by name, hidden...), for the caller to report.

    Raises:
        InputError: a path does not exist or is not a regular file or folder (a FIFO, a
            device), a folder holds no image file, or there is no reference at all.
    """
    references: list[Path] = []
    skipped: list[ScannedFile] = []
    given = [Path(raw) for raw in paths]
    for path in given:
        if not path.exists():
            raise InputError(f"{path}: no such file or folder")
        if not path.is_dir():
            with open_user_file(path):  # a FIFO or a device is refused now, not at its turn
                pass
            if path not in references:
                references.append(path)
            continue
        found, passed_over = 0, []
        for entry in scan_paths([path]):
            if entry.problem is not None:
                passed_over.append(entry)
                continue
            found += 1
            if entry.path not in references:
                references.append(entry.path)
        if not found:
            names = ", ".join(f"{e.path.name} ({e.problem})" for e in passed_over[:3])
            more = f" and {len(passed_over) - 3} more" if len(passed_over) > 3 else ""
            skipped_text = f"; skipped {names}{more}" if names else ""
            raise InputError(f"{path}: no image files in this folder{skipped_text}")
        skipped += passed_over
    if not references:
        raise InputError("no reference image given")
    return references, skipped
