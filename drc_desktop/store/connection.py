"""SQLCipher connections: passphrase quoting, keying, pragmas and integrity checks.

The vault uses SQLCipher 4's own defaults (AES-256, HMAC-SHA512 page authentication,
PBKDF2-HMAC-SHA512 with 256,000 iterations); nothing here changes them. ``PRAGMA key`` takes no
bound parameter, so :func:`quote_passphrase` builds the SQL string literal, and refuses text
that SQLCipher would read as something other than a passphrase.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlcipher3

from drc_desktop.core.errors import (
    InputError,
    VaultDamagedError,
    VaultError,
    WrongPassphraseError,
)

BUSY_TIMEOUT_MS = 15_000
"""How long a write waits for another process's transaction before giving up."""

MIN_PASSPHRASE_LENGTH = 8

DatabaseError = sqlcipher3.dbapi2.DatabaseError
Connection = sqlcipher3.dbapi2.Connection

# SQLCipher reads a key of the form x'<64 or 96 hex digits>' as a raw key and skips the key
# derivation; such a "passphrase" would silently weaken the vault.
_RAW_KEY = re.compile(r"^\s*x'[0-9a-fA-F]*'\s*$")

_OPEN_PRAGMAS = (
    "PRAGMA journal_mode = WAL",  # readers never block the writer; needs a local disk
    "PRAGMA synchronous = FULL",  # a commit that returned survives power loss
    "PRAGMA temp_store = MEMORY",  # no plaintext temporary files
    "PRAGMA secure_delete = ON",  # freed pages are zeroed
    "PRAGMA foreign_keys = ON",
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
)


def check_new_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that is too weak to protect a new vault or backup.

    Raises:
        InputError: shorter than ``MIN_PASSPHRASE_LENGTH`` characters, or not usable at all.
    """
    quote_passphrase(passphrase)
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputError(
            f"passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters "
            "(a few unrelated words are easy to remember and hard to guess)"
        )


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as a SQL string literal for ``PRAGMA key`` / ``PRAGMA rekey``.

    Quotes are doubled; any Unicode text is kept as it is (SQLite passes it on as UTF-8).

    Raises:
        InputError: empty, contains a NUL character, or has SQLCipher's raw-key form.
    """
    if not passphrase:
        raise InputError("passphrase is empty")
    if "\x00" in passphrase:
        raise InputError("passphrase contains a NUL character")
    if _RAW_KEY.match(passphrase):
        raise InputError("passphrase may not have the form x'...' (SQLCipher's raw-key syntax)")
    return "'" + passphrase.replace("'", "''") + "'"


def open_keyed(path: Path, passphrase: str, *, read_only: bool = False) -> Connection:
    """Open ``path`` with ``passphrase`` and check the key by reading the schema version.

    This is the whole unlock cost: one key derivation and one page read. The connection is
    in autocommit mode (use :func:`transaction`), and usable from one thread at a time.

    Raises:
        WrongPassphraseError: the key does not decrypt the file (or it is not a vault). No byte
            of the file has been written.
        VaultError: the file cannot be opened at all.
    """
    target = f"file:{path.as_posix()}?mode=ro" if read_only else str(path)
    try:
        connection = sqlcipher3.connect(
            target, uri=read_only, isolation_level=None, check_same_thread=False
        )
    except DatabaseError as exc:  # unreadable file, missing folder, no permission
        raise VaultError(f"{path}: cannot open the file ({exc})") from None
    try:
        # Without this a wrong key makes SQLCipher print its internal errors on stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
        connection.execute("PRAGMA user_version").fetchone()
    except DatabaseError:
        connection.close()
        raise WrongPassphraseError(
            f"{path}: wrong passphrase (or the file is not a DRC vault)"
        ) from None
    except BaseException:
        connection.close()
        raise
    return connection


def apply_pragmas(connection: Connection) -> None:
    """The vault's per-connection settings (DESIGN.md §4), applied after the key."""
    for pragma in _OPEN_PRAGMAS:
        connection.execute(pragma).fetchall()


def schema_version(connection: Connection) -> int:
    return connection.execute("PRAGMA user_version").fetchone()[0]


@contextmanager
def transaction(connection: Connection) -> Iterator[Connection]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, rolled back on any exception.

    Taking the write lock at the start means two writers wait for each other (up to the busy
    timeout) instead of failing halfway through.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def integrity_problems(connection: Connection) -> list[str]:
    """Every problem SQLCipher and SQLite find in the file; empty when it is sound.

    ``cipher_integrity_check`` verifies each page's HMAC (it returns no rows when all pages
    are sound); ``integrity_check`` then checks the b-trees, and ``foreign_key_check`` the
    references between tables.
    """
    try:
        problems = [row[0] for row in connection.execute("PRAGMA cipher_integrity_check")]
        if problems:
            return problems
        result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            return result
        return [
            f"row {rowid} of {table} refers to a missing row of {parent}"
            for table, rowid, parent, _ in connection.execute("PRAGMA foreign_key_check")
        ]
    except DatabaseError as exc:
        return [str(exc)]


def check_integrity(connection: Connection, path: Path) -> None:
    """Raise :class:`VaultDamagedError` naming the file and its problems, if there are any."""
    problems = integrity_problems(connection)
    if problems:
        shown = "; ".join(problems[:3]) + (f" (and {len(problems) - 3} more)" * (len(problems) > 3))
        raise VaultDamagedError(
            f"{path}: the vault is damaged ({shown}). It has not been changed; restore a backup "
            "with `drc vault restore FILE`"
        )


def export_copy(connection: Connection, target: Path, passphrase: str, version: int) -> None:
    """Write the whole database into a new file ``target`` encrypted with ``passphrase``.

    ``sqlcipher_export`` copies schema and rows but not ``user_version``, which is set after.
    """
    connection.execute(
        f"ATTACH DATABASE ? AS export_target KEY {quote_passphrase(passphrase)}",
        (str(target),),
    )
    try:
        connection.execute("SELECT sqlcipher_export('export_target')").fetchall()
        connection.execute(f"PRAGMA export_target.user_version = {int(version)}")
    finally:
        connection.execute("DETACH DATABASE export_target")


def cipher_version(connection: Connection) -> str:
    return connection.execute("PRAGMA cipher_version").fetchone()[0]


def cipher_description(connection: Connection) -> str:
    """The encryption in use, e.g. ``AES-256-CBC, HMAC_SHA512, PBKDF2_HMAC_SHA512 x 256000``."""
    settings = dict(
        row[0].removeprefix("PRAGMA ").rstrip(";").split(" = ")
        for row in connection.execute("PRAGMA cipher_settings")
    )
    cipher = connection.execute("PRAGMA cipher").fetchone()[0]
    return (
        f"{cipher}, {settings['cipher_hmac_algorithm']}, "
        f"{settings['cipher_kdf_algorithm']} x {settings['kdf_iter']}"
    )


def library_versions() -> tuple[str, str]:
    """(SQLCipher version, crypto provider version) of the bundled library, no file needed."""
    connection = sqlcipher3.connect(":memory:")
    try:
        version = connection.execute("PRAGMA cipher_version").fetchone()
        provider = connection.execute("PRAGMA cipher_provider_version").fetchone()
    finally:
        connection.close()
    return (version[0] if version else ""), (provider[0] if provider else "")
