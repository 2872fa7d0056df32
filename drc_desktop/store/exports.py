"""Exporting outputs: the only way generated images leave the vault.

Files get neutral names (``image-001.png``...) that say nothing of the profile, seed or
request, hold the PNG bytes as stored (pixels only: ``core.images.encode_png`` wrote them
without metadata), and never replace an existing file.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from drc_desktop.core.errors import InputError
from drc_desktop.store.vault import Vault

EXPORT_NAME = "image-{:03d}.png"


def export_outputs(vault: Vault, output_ids: Iterable[int], folder: Path) -> list[Path]:
    """Write outputs to ``folder`` (created if needed) under the next free neutral names.

    Returns the paths written, in the order of ``output_ids``; records one audit entry per
    output. Raises InputError for an unknown id (before writing anything) or an unwritable
    folder.
    """
    outputs = [vault.outputs.get(output_id) for output_id in output_ids]
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{folder}: cannot create folder ({exc.strerror or exc})") from None
    written = []
    number = 1
    for output in outputs:
        while (folder / EXPORT_NAME.format(number)).exists():
            number += 1
        path = folder / EXPORT_NAME.format(number)
        try:
            with open(path, "xb") as file:  # exclusive: a file that appeared meanwhile is kept
                file.write(output.png)
        except OSError as exc:
            raise InputError(f"{path}: cannot write file ({exc.strerror or exc})") from None
        written.append(path)
    vault.outputs.record_export(outputs)
    return written
