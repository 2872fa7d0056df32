"""Private intake: image files -> vectors in the vault, pixels never kept (DESIGN.md §3-4).

Each file is read into memory, decoded safely (``core.images``), encoded and disentangled;
only its ``ImageVectors`` and a keyed content hash reach the vault. Nothing is written
anywhere else: no temporary file, thumbnail, cache or log line holds pixels or paths. Every
file is committed on its own, so an interrupted import keeps what it had finished; a bad file
is reported and the import goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from PIL import Image

from drc_desktop.core.errors import ImageError
from drc_desktop.core.images import decode_image, read_image, reduce_for_description
from drc_desktop.core.scan import scan_paths
from drc_desktop.ml.backends import Describer
from drc_desktop.store.records import AuditEvent
from drc_desktop.store.vault import Vault

BATCH_SIZE = 16
"""Most images described together."""
BATCH_PIXELS = 16 * 1024 * 1024
"""Most pixels (after ``reduce_for_description``) held for one batch: with the per-image
pixel cap, import memory is bounded whatever the images (issue 13 §3)."""


class ImportStatus(StrEnum):
    imported = "imported"
    duplicate = "duplicate"  # the profile already holds this image (same pixels)
    rejected = "rejected"  # unreadable, unsupported, too large, corrupt, missing
    skipped = "skipped"  # not an image by name, hidden or system file


@dataclass(frozen=True)
class ImportResult:
    status: ImportStatus
    path: Path
    reason: str = ""
    item_id: int | None = None


def import_files(
    vault: Vault,
    model: Describer,
    profile_id: int,
    paths: Iterable[str | Path],
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[ImportResult]:
    """Import files and folders (recursively) into a profile's history, one result per file.

    Results come in scan order. When ``should_stop()`` turns true the files already decoded
    are still stored, then the import stops; files not reached get no result.
    """
    pending: list[tuple[Path, Image.Image, bytes]] = []  # path, reduced image, fingerprint
    pixels = 0
    for entry in scan_paths(paths):
        if should_stop is not None and should_stop():
            break
        if entry.missing:
            yield ImportResult(ImportStatus.rejected, entry.path, entry.problem or "")
        elif entry.problem:
            yield ImportResult(ImportStatus.skipped, entry.path, entry.problem)
        else:
            try:
                image = read_image(entry.path)
            except ImageError as exc:
                yield ImportResult(ImportStatus.rejected, entry.path, _reason(exc, entry.path))
                continue
            # reduce early: only the fingerprint needs the full-size pixels
            fingerprint = vault.fingerprint(_pixels(image))
            image = reduce_for_description(image)
            pending.append((entry.path, image, fingerprint))
            pixels += image.width * image.height
            if len(pending) >= BATCH_SIZE or pixels >= BATCH_PIXELS:
                yield from _store(vault, model, profile_id, pending)
                pending, pixels = [], 0
    yield from _store(vault, model, profile_id, pending)


def add_outputs_to_history(vault: Vault, model: Describer, output_ids: Iterable[int]) -> list[int]:
    """The feedback loop: each output's vectors join its profile's history.

    Returns the new items' ids (an output already in the history is not added twice and is
    left out). Raises InputError for an unknown output id before adding anything.
    """
    outputs = [vault.outputs.get(output_id) for output_id in output_ids]
    added = []
    for output in outputs:
        image = decode_image(output.png, f"output {output.id}")
        vectors = model.describe([image])[0]
        item_id = vault.history.add(
            output.profile_id,
            vectors,
            vault.fingerprint(_pixels(image)),
            source_output_id=output.id,
            event=AuditEvent.added_to_history,
        )
        if item_id is not None:
            added.append(item_id)
    return added


def _store(
    vault: Vault,
    model: Describer,
    profile_id: int,
    pending: list[tuple[Path, Image.Image, bytes]],
) -> Iterator[ImportResult]:
    if not pending:
        return
    vectors = model.describe([image for _, image, _ in pending])
    for (path, _, fingerprint), item in zip(pending, vectors, strict=True):
        item_id = vault.history.add(profile_id, item, fingerprint)
        if item_id is None:
            yield ImportResult(ImportStatus.duplicate, path, "already in this profile")
        else:
            yield ImportResult(ImportStatus.imported, path, item_id=item_id)


def _pixels(image: Image.Image) -> bytes:
    """What de-duplication compares: the decoded pixels and size (not file bytes, so the same
    picture saved again with other metadata is still a duplicate)."""
    return f"{image.width}x{image.height}:".encode() + image.tobytes()


def _reason(error: ImageError, path: Path) -> str:
    message = str(error)
    prefix = f"{path}: "
    return message[len(prefix) :] if message.startswith(prefix) else message
