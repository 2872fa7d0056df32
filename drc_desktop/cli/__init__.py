"""The ``drc`` command: DRC Desktop's operations without Qt (headless use, scripts, benchmarks).

Each command is a small ``_cmd_<group>_<name>(args) -> int`` handler registered with
``set_defaults(handler=...)`` by its module's ``add_commands``: ``standalone`` (the sticker
world, ``compose``, ``eval``, ``train``: files in, files out), ``vault`` (the vault itself),
``profiles`` (profiles, import, history), ``outputs`` (generate and outputs) and
``models`` (bring-your-own Stable Diffusion files). Handlers
raise :class:`DrcError` for anything the user can fix; :func:`main` prints it as one line and
exits 2. Commands that need torch import it inside their handler, so ``import drc_desktop.cli``
stays light.

Exit codes: ``EXIT_OK`` (0) done, ``EXIT_PARTIAL`` (1) done for some inputs but not all,
``EXIT_ERROR`` (2) nothing done (bad arguments, bad input, missing model, wrong passphrase, a
full disk...). No error prints a traceback: an unexpected one (a defect) is one line too, and
exit 2, unless ``DRC_DEBUG`` is set.
"""

from __future__ import annotations

import argparse
import os
import sys

from drc_desktop import __version__
from drc_desktop.cli import doctor, models, outputs, profiles, standalone, vault
from drc_desktop.cli.arguments import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_OK, EXIT_PARTIAL
from drc_desktop.core.errors import DrcError

DEBUG_VARIABLE = "DRC_DEBUG"
"""Set it to see the traceback of an unexpected error instead of its one-line summary."""

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_PARTIAL", "build_parser", "main"]


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
    except MemoryError:
        print(f"{parser.prog}: error: not enough memory for this command", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # `drc ... | head`: the reader left; not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:  # a disk or device failure outside the vault (an output folder...)
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"{parser.prog}: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print(f"{parser.prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a defect: one line and exit 2 (1 means "partly done")
        if os.environ.get(DEBUG_VARIABLE):
            raise
        print(
            f"{parser.prog}: internal error: {type(exc).__name__}: {exc} (a defect in DRC "
            f"Desktop; set {DEBUG_VARIABLE}=1 to see where, and please report it)",
            file=sys.stderr,
        )
        return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="drc",
        description="DRC Desktop: privacy-first personalized image generation, offline.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND", required=True)
    standalone.add_commands(commands)
    vault.add_commands(commands)
    profiles.add_commands(commands)
    outputs.add_commands(commands)
    models.add_commands(commands)
    doctor.add_commands(commands)
    return parser
