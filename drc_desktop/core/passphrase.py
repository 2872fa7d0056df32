"""Where passphrases come from: an environment variable (scripts, tests) or a prompt.

Passphrases never appear in argv, in logs or in error messages. A prompt reads without echo
from the terminal; without a terminal and without the variable the command stops with a
clear error instead of hanging.
"""

from __future__ import annotations

import getpass
import os
import sys

from drc_desktop.core.errors import InputError

PASSPHRASE = "DRC_PASSPHRASE"
"""The vault's passphrase."""
NEW_PASSPHRASE = "DRC_NEW_PASSPHRASE"
"""The new passphrase for ``drc vault passwd``."""
BACKUP_PASSPHRASE = "DRC_BACKUP_PASSPHRASE"
"""The passphrase of a backup file (``drc vault backup`` / ``restore``)."""

LOST_PASSPHRASE_WARNING = (
    "Keep this passphrase safe: it is stored nowhere and cannot be recovered. "
    "Without it, the vault and its backups cannot be opened by anyone, including you."
)


def read_passphrase(variable: str, prompt: str, *, confirm: bool = False) -> str:
    """The value of ``variable`` when set, else asked for on the terminal without echo.

    Args:
        confirm: ask twice (for a new passphrase) and refuse when the two differ.

    Raises:
        InputError: no variable and no terminal to ask on, or the two entries differ.
    """
    value = os.environ.get(variable)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise InputError(f"no passphrase: set {variable}, or run the command in a terminal")
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Repeat to confirm: ") != first:
        raise InputError("the two passphrases differ; nothing was changed")
    return first
