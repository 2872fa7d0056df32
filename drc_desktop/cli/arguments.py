"""Exit codes, argument types and file helpers shared by the ``drc`` commands."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from drc_desktop.core.composition import DEVICE_CHOICES, STRENGTH_RANGE
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
