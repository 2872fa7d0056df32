"""``python -m drc_desktop`` runs the ``drc`` command."""

import sys

from drc_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
