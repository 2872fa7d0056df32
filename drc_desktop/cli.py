"""The ``drc`` command: DRC Desktop's operations without Qt (headless use, scripts, benchmarks).

Each command is a small ``_cmd_<group>_<name>(args) -> int`` handler registered in
:func:`build_parser` with ``set_defaults(handler=...)``. Handlers raise :class:`DrcError` for
anything the user can fix; :func:`main` prints it as one line and exits 2. Commands that need
torch or diffusers import them inside their handler, so ``import drc_desktop.cli`` stays light.

Exit codes: ``EXIT_OK`` (0) done, ``EXIT_PARTIAL`` (1) done for some inputs but not all,
``EXIT_ERROR`` (2) nothing done (bad arguments, bad input, missing model...).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drc_desktop import __version__
from drc_desktop.core import stickers
from drc_desktop.core.errors import DrcError, InputError
from drc_desktop.core.images import encode_png

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130


def main(argv: list[str] | None = None) -> int:
    """Run ``drc`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors; argparse already printed
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        return args.handler(args)
    except DrcError as exc:
        print(f"{parser.prog}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drc",
        description="DRC Desktop: privacy-first personalized image generation, offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    _add_stickers_commands(commands)
    return parser


# ----------------------------------------------------------------------------- stickers


def _add_stickers_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "stickers",
        help="the built-in procedural sticker world",
        description="The procedural sticker world, where style and semantics are known exactly.",
    )
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)

    schema = sub.add_parser("schema", help="print the JSON schema of styles and semantics")
    schema.set_defaults(handler=_cmd_stickers_schema)

    render = sub.add_parser("render", help="render one sticker to a PNG file")
    render.add_argument(
        "--style", type=Path, required=True, metavar="STYLE.json", help="style as {FIELD: value}"
    )
    render.add_argument(
        "--semantics",
        type=Path,
        required=True,
        metavar="SEM.json",
        help="semantics as {FIELD: value}",
    )
    render.add_argument("--seed", type=int, default=0, help="jitter seed (default: 0)")
    render.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="output PNG")
    render.set_defaults(handler=_cmd_stickers_render)


def _cmd_stickers_schema(args: argparse.Namespace) -> int:
    print(json.dumps(stickers.schema(), indent=2))
    return EXIT_OK


def _cmd_stickers_render(args: argparse.Namespace) -> int:
    style = stickers.StickerStyle.from_json(_read_json(args.style), source=str(args.style))
    semantics = stickers.StickerSemantics.from_json(
        _read_json(args.semantics), source=str(args.semantics)
    )
    image = stickers.render(style, semantics, seed=args.seed)
    _write_file(args.out, encode_png(image))
    return EXIT_OK


# ----------------------------------------------------------------------------- files


def _read_json(path: Path) -> object:
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


def _write_file(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(f"{path}: cannot write file ({exc.strerror or exc})") from exc
