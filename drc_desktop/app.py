"""``drc-desktop``: the desktop GUI (PySide6). It arrives with the GUI issue; until then this
entry point says so plainly instead of failing with an import error."""

from __future__ import annotations

import sys

NOT_YET = (
    "The desktop GUI is not available yet. Use the `drc` command "
    "(e.g. `drc compose --help`) or `python3 installer/dev.py demo`."
)


def main(argv: list[str] | None = None) -> int:
    print(NOT_YET, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
