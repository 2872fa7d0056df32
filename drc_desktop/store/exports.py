"""Exporting outputs: the only way generated images leave the vault.

Files get neutral names (``image-001.png``...) that say nothing of the profile, seed or
request, hold the PNG bytes as stored (pixels only: ``core.images.encode_png`` wrote them
without metadata), and never replace an existing file. A set of assets is exported as a folder
per reference plus a contact sheet (issue 12 §2).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from drc_desktop.core.contact_sheet import contact_sheet
from drc_desktop.core.errors import InputError
from drc_desktop.core.images import decode_image, encode_png
from drc_desktop.store.records import Output
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


REFERENCE_FOLDER = "reference-{:02d}"
CONTACT_SHEET = "contact-sheet{}.png"


@dataclass(frozen=True)
class SetExport:
    """What :func:`export_set` wrote: each reference's files, by position (empty for a
    reference that gave nothing), and the contact sheet."""

    files: list[list[Path]]
    contact_sheet: Path


def export_set(vault: Vault, set_id: int, folder: Path) -> SetExport:
    """Write a set of assets to ``folder``: one subfolder per reference (``reference-01``...,
    in the set's order) holding its images under neutral names, and a contact sheet PNG with
    one row per reference (``contact-sheet.png``, or the next free name). No file is
    replaced; pixels only, as :func:`export_outputs`.

    Raises:
        InputError: an unknown or empty set, an unwritable folder.
    """
    outputs = vault.outputs.in_set(set_id)
    last = max(output.set_position or 0 for output in outputs)
    rows: list[list[Output]] = [[] for _ in range(last + 1)]
    for output in outputs:
        rows[output.set_position or 0].append(output)
    files = [
        export_outputs(vault, [o.id for o in row], folder / REFERENCE_FOLDER.format(i + 1))
        if row else []
        for i, row in enumerate(rows)
    ]  # fmt: skip
    sheet = contact_sheet([[decode_image(o.png, f"output {o.id}") for o in row] for row in rows])
    number = 1
    while (folder / _sheet_name(number)).exists():
        number += 1
    path = folder / _sheet_name(number)
    try:
        with open(path, "xb") as file:
            file.write(encode_png(sheet))
    except OSError as exc:
        raise InputError(f"{path}: cannot write file ({exc.strerror or exc})") from None
    return SetExport(files, path)


def _sheet_name(number: int) -> str:
    return CONTACT_SHEET.format("" if number == 1 else f"-{number}")
