"""Exit codes, argument types, shared options, tables and file helpers of the ``drc`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from drc_desktop.core.composition import (
    DEFAULT_IMAGES,
    DEFAULT_STRENGTH,
    DEVICE_CHOICES,
    STRENGTH_RANGE,
)
from drc_desktop.core.errors import InputError

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def strength(text: str) -> float:
    value = float(text)
    low, high = STRENGTH_RANGE
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(f"must be between {low:g} and {high:g}, got {text}")
    return value


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text}")
    return value


def add_composition_options(command: argparse.ArgumentParser, style_source: str) -> None:
    """``--n``, ``--seed``, ``--steps`` and the two strengths, shared by compose and generate."""
    command.add_argument(
        "--n", type=positive, default=DEFAULT_IMAGES, help=f"images (default: {DEFAULT_IMAGES})"
    )
    command.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    command.add_argument("--steps", type=positive, default=None, help="denoising steps")
    command.add_argument(
        "--style-strength",
        type=strength,
        default=DEFAULT_STRENGTH,
        metavar="X",
        help=f"0 ignores {style_source}'s style, 1 default, up to 2",
    )
    command.add_argument(
        "--semantic-strength",
        type=strength,
        default=DEFAULT_STRENGTH,
        metavar="Y",
        help="0 ignores the reference's semantics, 1 default, up to 2",
    )


def print_table(rows: list[dict], columns: tuple[str, ...]) -> None:
    """Rows as aligned columns under a header; ``-`` for empty values."""
    cells = [[c.replace("_", " ") for c in columns]]
    cells += [["-" if row[c] is None else str(row[c]) for c in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        print("  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)))


def add_model_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--model",
        type=Path,
        default=None,
        metavar="DIR",
        help="a drc-mini model folder (default: the built-in model)",
    )
    add_device_option(command)


def add_device_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--device",
        choices=DEVICE_CHOICES,
        default="auto",
        help="where to run (default: auto = GPU when present)",
    )


def make_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{path}: cannot create folder ({exc.strerror or exc})") from exc


def read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read file ({exc.strerror or exc})") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc


def write_file(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write file ({exc.strerror or exc})") from exc
