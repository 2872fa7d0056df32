"""The one exception hierarchy: every expected error is a ``DrcError`` a person can act on."""

from __future__ import annotations


class DrcError(Exception):
    """An expected error; its message is shown to the user as it is, without a traceback."""


class InputError(DrcError):
    """A file, field or argument given by the user is not acceptable."""


class ImageError(InputError):
    """An image could not be used (unreadable, unsupported, too large...)."""


class HistoryChangedError(InputError):
    """A stored output cannot be made again exactly: its profile's history changed since."""


class ModelError(DrcError):
    """Model weights are missing, changed or do not match their configuration."""


class VaultError(DrcError):
    """The encrypted vault cannot be created, opened or changed as asked."""


class WrongPassphraseError(VaultError):
    """The passphrase does not open the vault (or the file is not a DRC vault)."""


class VaultDamagedError(VaultError):
    """An integrity check failed: the vault file is damaged. Nothing is repaired silently."""
