"""``drc-desktop``: the desktop GUI (PySide6).

The window appears before torch and diffusers are imported: they load on the engine's thread
with the first job that needs them. ``--smoke`` starts the app (offscreen when there is no
display), shows the main window without opening any vault, prints ``ready`` and exits 0.
"""

from __future__ import annotations

import argparse
import os
import sys


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="drc-desktop", description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="start, show the window, exit 0")
    args = parser.parse_args(argv)
    if args.smoke and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from drc_desktop.ui.application import run

    return run(smoke=args.smoke)


if __name__ == "__main__":
    sys.exit(main())
