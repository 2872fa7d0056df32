"""SQLCipher connections: passphrase quoting, keying, pragmas and integrity checks.

The vault uses SQLCipher 4's own defaults (AES-256, HMAC-SHA512 page authentication,
PBKDF2-HMAC-SHA512 with 256,000 iterations); nothing here changes them. ``PRAGMA key`` takes no
bound parameter, so :func:`quote_passphrase` builds the SQL string literal, and refuses text
that SQLCipher would read as something other than a passphrase.

Every file is opened through a ``file:`` URI built by :func:`sqlite_uri` (percent-escaped, so
a ``#`` or ``?`` in a folder name cannot cut the path short, issue 13), and failures are told
apart by SQLite's own result codes (:func:`open_failure`), never by the text of the message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePath

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

# SQLCipher reads a key of the form x'<64 or 96 hex digits>' as a raw key (and salt) and skips
# the key derivation; it compares the "x" without case (issue 13 §2: X'...' got through).
_RAW_KEY = re.compile(r"^\s*x'[0-9a-f]*'\s*$", re.IGNORECASE)

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

    Every place a new passphrase is set (init, passwd, backup, restore) calls this.

    Raises:
        InputError: shorter than ``MIN_PASSPHRASE_LENGTH`` characters, in SQLCipher's raw-key
            form (any case), or not usable at all.
    """
    quote_passphrase(passphrase)
    if is_raw_key(passphrase):
        raise InputError(
            "passphrase may not have the form x'...' (SQLCipher's raw-key syntax, which "
            "skips the key derivation)"
        )
    if len(passphrase) < MIN_PASSPHRASE_LENGTH:
        raise InputError(
            f"passphrase is too short: use at least {MIN_PASSPHRASE_LENGTH} characters "
            "(a few unrelated words are easy to remember and hard to guess)"
        )


def quote_passphrase(passphrase: str) -> str:
    """The passphrase as a SQL string literal for ``PRAGMA key`` / ``PRAGMA rekey``.

    Quotes are doubled; any Unicode text is kept as it is (SQLite passes it on as UTF-8). A
    raw-key form is quoted too, so that a vault an older app let be made with one still opens
    (:func:`check_new_passphrase` refuses it for anything new).

    Raises:
        InputError: empty, contains a NUL character, or is not valid Unicode text (a lone
            surrogate, e.g. from an environment variable that is not UTF-8).
    """
    if not passphrase:
        raise InputError("passphrase is empty")
    if "\x00" in passphrase:
        raise InputError("passphrase contains a NUL character")
    try:
        passphrase.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(
            "passphrase is not valid UTF-8 text (set DRC_PASSPHRASE from a UTF-8 terminal or file)"
        ) from None
    return "'" + passphrase.replace("'", "''") + "'"


def sqlite_uri(path: PurePath, mode: str) -> str:
    """The ``file:`` URI SQLite should open for the absolute ``path``, with ``?mode=mode``
    (``ro``, ``rw`` or ``rwc``).

    Every character outside ``[A-Za-z0-9_.~/-]`` is percent-escaped (``#``, ``?``, ``%``,
    ``&``, spaces, non-ASCII as UTF-8), so SQLite opens exactly this file; Windows drive paths
    become ``file:///C:/...``.

    Raises:
        ValueError: ``path`` is relative (``file:vault.db`` would be read as a URI itself).
    """
    if not path.is_absolute():
        raise ValueError(f"{path}: SQLite is only given absolute paths")
    return f"{path.as_uri()}?mode={mode}"


def connect(path: Path, *, read_only: bool = False, create: bool = False) -> Connection:
    """An unkeyed connection to ``path``; SQLite creates the file only with ``create``.

    Raises:
        VaultError: the file or its folder cannot be opened; the message says why.
    """
    uri = sqlite_uri(path.absolute(), "ro" if read_only else "rwc" if create else "rw")
    try:
        return sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    except DatabaseError as exc:
        raise open_failure(exc, path) from None


def is_raw_key(passphrase: str) -> bool:
    """Whether SQLCipher would use ``passphrase`` as a raw key instead of deriving one."""
    return bool(_RAW_KEY.match(passphrase))


def open_keyed(
    path: Path, passphrase: str, *, read_only: bool = False, create: bool = False
) -> Connection:
    """Open ``path`` with ``passphrase`` and check the key by reading the schema version.

    This is the whole unlock cost: one key derivation and one page read. The connection is
    in autocommit mode (use :func:`transaction`), and usable from one thread at a time.

    Raises:
        WrongPassphraseError: the key does not decrypt the file (or its first page is
            damaged: SQLCipher cannot tell the two apart). No byte of the file was written.
        VaultError: the file cannot be opened at all (missing, no permission, read-only
            folder or medium, disk full...); the message says which.
    """
    connection = connect(path, read_only=read_only, create=create)
    try:
        # Without this a wrong key makes SQLCipher print its internal errors on stderr.
        connection.execute("PRAGMA cipher_log_level = NONE")
        connection.execute(f"PRAGMA key = {quote_passphrase(passphrase)}")
        connection.execute("PRAGMA user_version").fetchone()
    except DatabaseError as exc:
        connection.close()
        raise open_failure(exc, path) from None
    except BaseException:
        connection.close()
        raise
    return connection


def primary_code(exc: DatabaseError) -> int | None:
    """SQLite's primary result code of ``exc`` (``SQLITE_FULL``...), None when it has none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else code & 0xFF


def is_disk_full(exc: BaseException) -> bool:
    return isinstance(exc, DatabaseError) and primary_code(exc) == sqlcipher3.SQLITE_FULL


def open_failure(exc: DatabaseError, path: Path) -> VaultError:
    """The error a person can act on for a failure to open or key ``path``.

    SQLite's result code says what kind of failure it was; for "cannot open" and "read-only"
    the folder is then looked at (``statvfs``, ``access``) to tell a read-only medium, a
    folder without write permission, a disk without free inodes and a full disk apart.
    "Not a database" is what both a wrong key and a damaged first page give, so that message
    says both (issue 13 §4).
    """
    code = primary_code(exc)
    if code == sqlcipher3.SQLITE_NOTADB:
        return WrongPassphraseError(
            f"{path}: wrong passphrase (or the file is not a DRC vault, or its first page is "
            "damaged: SQLCipher cannot tell these apart). Check the passphrase; if you are "
            "sure of it, restore a backup with `drc vault restore FILE` (this file is kept)"
        )
    if code == sqlcipher3.SQLITE_CORRUPT:
        return VaultDamagedError(
            f"{path}: the vault is damaged ({exc}). It has not been changed; restore a backup "
            "with `drc vault restore FILE`"
        )
    if code in (
        sqlcipher3.SQLITE_CANTOPEN, sqlcipher3.SQLITE_READONLY, sqlcipher3.SQLITE_PERM,
        sqlcipher3.SQLITE_FULL, sqlcipher3.SQLITE_IOERR,
    ):  # fmt: skip
        problem = folder_problem(path.parent)
        if problem is not None:
            return VaultError(f"{path}: {problem}")
        if not path.exists():
            return VaultError(f"{path}: no such file")
    if code == sqlcipher3.SQLITE_FULL:
        return VaultError(f"{path}: the disk is full; free some space and try again")
    return VaultError(f"{path}: cannot open the vault ({exc})")


def folder_problem(folder: Path) -> str | None:
    """Why nothing can be written in ``folder``, in words, or None when nothing is wrong."""
    try:
        info = os.statvfs(folder)
    except (OSError, AttributeError):  # missing folder; no statvfs on Windows
        return None
    if info.f_flag & os.ST_RDONLY:
        return (
            f"the disk holding {folder} is read-only (a read-only medium or mount); the vault "
            "writes its journal next to vault.db, so copy the folder to a writable disk and "
            "set DRC_HOME to it, or mount the disk read-write"
        )
    if not os.access(folder, os.W_OK):
        return (
            f"{folder} is read-only for you; the vault writes its journal (vault.db-wal) "
            "there, so give yourself write permission on the folder or move the vault"
        )
    if info.f_files and info.f_favail == 0:
        return (
            f"the disk holding {folder} has no free inodes (too many files); delete some "
            "files and try again. Nothing was lost"
        )
    if info.f_bavail == 0:
        return f"the disk holding {folder} is full; free some space and try again. Nothing was lost"
    return None


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
    """Write the whole database into the existing empty file ``target``, encrypted with
    ``passphrase``, and flush it to disk.

    ``sqlcipher_export`` copies schema and rows but not ``user_version``, which is set after.
    """
    connection.execute(
        f"ATTACH DATABASE ? AS export_target KEY {quote_passphrase(passphrase)}",
        (sqlite_uri(target.absolute(), "rw"),),
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
