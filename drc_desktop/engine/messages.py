"""What a person reads when a job fails: an expected error's own sentence, translated when
it is one the app knows, and never a file path the person did not type (issue 12)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from drc_desktop.core.errors import DrcError, WrongPassphraseError


def describe_error(error: object) -> str:
    """One sentence for ``error`` (an exception a job raised, or already a message)."""
    if isinstance(error, WrongPassphraseError):
        # the store's text names the vault file; the person only needs to know what to do
        return QCoreApplication.translate(
            "Engine", "Wrong passphrase (or the file is not a DRC vault). Try again."
        )
    if isinstance(error, DrcError):
        return str(error)
    if isinstance(error, BaseException):
        return QCoreApplication.translate("Engine", "Something went wrong: {}").format(error)
    return str(error)
