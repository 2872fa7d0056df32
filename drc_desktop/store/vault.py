"""The vault file's lifecycle: create, unlock, re-key, verify, back up, restore, close.

One vault per data folder (``location.data_home()``)::

    vault.db            the SQLCipher 4 database (plus vault.db-wal / -shm while open)
    sessions/<pid>      one empty marker per process that has the vault open

A marker left behind by a process that is gone means that process did not close the vault
(a crash, a kill, a power cut): the next unlock runs the full integrity checks before
anything else. The passphrase is used to key the connection and then forgotten; it is never
stored, logged or passed on the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from drc_desktop.core.errors import VaultDamagedError, VaultError
from drc_desktop.store import connection as sql
from drc_desktop.store.location import VAULT_FILE, is_network_filesystem, make_private_folder
from drc_desktop.store.records import AuditEvent
from drc_desktop.store.repositories import (
    AuditLog,
    HistoryRepository,
    ModelRepository,
    OutputRepository,
    ProfileAdapterRepository,
    ProfileRepository,
    checkpoint,
)
from drc_desktop.store.schema import check_version, migrate

SESSIONS_FOLDER = "sessions"
_SIDECARS = ("-wal", "-shm")
_FINGERPRINT_KEY = "fingerprint_key"


@dataclass(frozen=True)
class VaultInfo:
    path: Path
    size_bytes: int
    schema_version: int
    sqlcipher_version: str
    cipher: str
    profiles: int
    history_items: int
    outputs: int
    audit_entries: int


class Vault:
    """An unlocked vault. Use :meth:`create` or :meth:`unlock`, then ``close()`` (or ``with``).

    Attributes:
        profiles, history, outputs, models, audit: the repositories (see ``repositories``).
        checked_after_crash: True when unlock found an unclean shutdown and ran the checks.
    """

    def __init__(self, home: Path, connection: sql.Connection) -> None:
        self.home = home
        self.path = home / VAULT_FILE
        self._db = connection
        self.profiles = ProfileRepository(connection)
        self.history = HistoryRepository(connection)
        self.outputs = OutputRepository(connection)
        self.audit = AuditLog(connection)
        self.models = ModelRepository(connection)
        self.profile_adapters = ProfileAdapterRepository(connection)
        self.checked_after_crash = False
        self._marker: Path | None = None

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, home: Path, passphrase: str) -> Vault:
        """Create a new, empty vault in ``home``.

        Raises:
            VaultError: a vault already exists there (it is never overwritten).
            InputError: the passphrase is too weak.
        """
        sql.check_new_passphrase(passphrase)
        path = home / VAULT_FILE
        try:
            make_private_folder(home)
            # Created empty with owner-only permissions; SQLite gives -wal/-shm the same mode.
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            raise VaultError(f"{path}: a vault already exists here; nothing was changed") from None
        except OSError as exc:
            raise VaultError(f"{path}: cannot create the vault ({exc.strerror or exc})") from None
        try:
            connection = sql.open_keyed(path, passphrase)
            sql.apply_pragmas(connection)
            migrate(connection)
            _ensure_fingerprint_key(connection)
        except BaseException:
            _remove_vault_files(path)
            raise
        vault = cls(home, connection)
        vault._open_session()
        return vault

    @classmethod
    def unlock(cls, home: Path, passphrase: str) -> Vault:
        """Open the vault in ``home``: derive the key, read the schema version, migrate.

        Fast path: one key derivation and a page read. After an unclean shutdown the full
        integrity checks run first.

        Raises:
            VaultError: there is no vault, or it is from a newer app.
            WrongPassphraseError: the passphrase is wrong; the file is not written.
            VaultDamagedError: checks after an unclean shutdown failed; nothing is changed.
        """
        path = home / VAULT_FILE
        if not path.is_file():
            raise VaultError(f"{home}: no vault here yet (create one with `drc vault init`)")
        connection = sql.open_keyed(path, passphrase)
        try:
            check_version(sql.schema_version(connection), str(path))
            sql.apply_pragmas(connection)
            vault = cls(home, connection)
            stale = vault._stale_sessions()
            if stale:
                sql.check_integrity(connection, path)
                vault.checked_after_crash = True
                for marker in stale:
                    marker.unlink(missing_ok=True)
            migrate(connection)
            _ensure_fingerprint_key(connection)
        except BaseException:
            connection.close()
            raise
        vault._open_session()
        return vault

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close; the session marker goes last."""
        if self._db is None:
            return
        try:
            checkpoint(self._db)
        finally:
            self._db.close()
            self._db = None
            if self._marker is not None:
                self._marker.unlink(missing_ok=True)

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return sql.schema_version(self._db)

    @contextmanager
    def transaction(self) -> Iterator[sql.Connection]:
        with sql.transaction(self._db) as connection:
            yield connection

    # ------------------------------------------------------------------ operations

    def info(self) -> VaultInfo:
        def count(table: str) -> int:
            return self._db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

        return VaultInfo(
            path=self.path,
            size_bytes=sum(_file_size(self.path, suffix) for suffix in ("", *_SIDECARS)),
            schema_version=self.schema_version,
            sqlcipher_version=sql.cipher_version(self._db),
            cipher=sql.cipher_description(self._db),
            profiles=count("profiles"),
            history_items=count("history_items"),
            outputs=count("outputs"),
            audit_entries=count("audit_log"),
        )

    def verify(self) -> None:
        """Run every integrity check (page HMACs, b-trees, references).

        Raises:
            VaultDamagedError: naming the problems. Nothing is repaired or rewritten.
        """
        sql.check_integrity(self._db, self.path)

    def fingerprint(self, data: bytes) -> bytes:
        """A content hash for de-duplication: HMAC-SHA256 under a random per-vault key, so
        the stored hash cannot be matched against a known image's plain hash."""
        row = self._db.execute(
            "SELECT value FROM vault_meta WHERE key = ?", (_FINGERPRINT_KEY,)
        ).fetchone()
        return hmac.new(row[0], data, hashlib.sha256).digest()

    def checkpoint(self) -> None:
        """Move the WAL's pages into the main file and empty it (deletions in
        ``repositories`` do this themselves)."""
        checkpoint(self._db)

    def rekey(self, new_passphrase: str) -> None:
        """Change the passphrase: every page is re-encrypted in one transaction.

        Raises:
            InputError: the new passphrase is too weak.
            VaultError: another process has the vault open.
        """
        sql.check_new_passphrase(new_passphrase)
        self._refuse_other_sessions("change the passphrase")
        self.checkpoint()
        self._db.execute(f"PRAGMA rekey = {sql.quote_passphrase(new_passphrase)}")
        self.audit.record(AuditEvent.passphrase_changed)
        self.checkpoint()

    def backup(self, target: Path, passphrase: str) -> None:
        """Write a verified copy of the vault to ``target``, encrypted with ``passphrase``.

        The vault is checked before, the copy after (by opening it with its passphrase); the
        copy is written under a temporary name and renamed only when sound.

        Raises:
            VaultError: ``target`` exists (never overwritten) or cannot be written.
            VaultDamagedError: the vault failed its checks; no backup was written.
        """
        sql.check_new_passphrase(passphrase)
        target = target.absolute()
        if target.exists():
            raise VaultError(f"{target}: file exists; choose a new name for the backup")
        if target.resolve() == self.path.resolve():
            raise VaultError(f"{target}: is the vault itself")
        self.verify()
        self.audit.record(AuditEvent.backed_up)
        partial = target.with_name(target.name + ".partial")
        try:
            os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            sql.export_copy(self._db, partial, passphrase, self.schema_version)
            check = sql.open_keyed(partial, passphrase)
            try:
                sql.check_integrity(check, target)
            finally:
                check.close()
            os.replace(partial, target)
        except OSError as exc:
            raise VaultError(f"{target}: cannot write the backup ({exc.strerror or exc})") from None
        finally:
            _remove_vault_files(partial)

    @staticmethod
    def restore(home: Path, source: Path, backup_passphrase: str, passphrase: str) -> Path | None:
        """Make the backup ``source`` the vault of ``home``, keyed with ``passphrase``.

        The backup is opened read-only and checked; a checked copy is written next to the
        vault; only then is the current vault (if any) moved aside, never deleted, and the
        copy renamed into place. Returns where the previous vault was moved (None if none).

        Raises:
            WrongPassphraseError: ``backup_passphrase`` does not open ``source``.
            VaultDamagedError: the backup fails its checks; nothing is changed.
            VaultError: the vault is open in another process, or a file cannot be written.
        """
        sql.check_new_passphrase(passphrase)
        if not source.is_file():
            raise VaultError(f"{source}: no such backup file")
        make_private_folder(home)
        _refuse_live_sessions(home, "restore a backup")
        path = home / VAULT_FILE
        incoming = home / (VAULT_FILE + ".restoring")
        _remove_vault_files(incoming)
        backup = sql.open_keyed(source.absolute(), backup_passphrase, read_only=True)
        try:
            version = sql.schema_version(backup)
            check_version(version, str(source))
            sql.check_integrity(backup, source)
            os.close(os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            sql.export_copy(backup, incoming, passphrase, version)
        except BaseException:
            _remove_vault_files(incoming)
            raise
        finally:
            backup.close()
        moved = None
        if path.exists():
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            moved = home / f"vault.before-restore-{stamp}.db"
            for suffix in ("", *_SIDECARS):  # the WAL must travel with its database
                if Path(str(path) + suffix).exists():
                    os.replace(str(path) + suffix, str(moved) + suffix)
        os.replace(incoming, path)
        with Vault.unlock(home, passphrase) as vault:
            vault.verify()
            vault.audit.record(AuditEvent.restored)
        return moved

    # ------------------------------------------------------------------ sessions

    def _open_session(self) -> None:
        folder = self.home / SESSIONS_FOLDER
        make_private_folder(folder)
        self._marker = folder / str(os.getpid())
        self._marker.touch()

    def _stale_sessions(self) -> list[Path]:
        return [m for m in _session_markers(self.home) if not _process_alive(int(m.name))]

    def _refuse_other_sessions(self, action: str) -> None:
        others = [m for m in _session_markers(self.home) if m != self._marker]
        if any(_process_alive(int(m.name)) for m in others):
            raise VaultError(
                f"cannot {action} while another DRC Desktop process has the vault open"
            )


@contextmanager
def reported_as_vault_errors(path: Path) -> Iterator[None]:
    """Turn SQLCipher's own exceptions inside the block into :class:`VaultError`s a person can
    act on (a damaged page met by an ordinary read, a lock held too long...)."""
    try:
        yield
    except sql.DatabaseError as exc:
        message = str(exc)
        if any(sign in message for sign in ("malformed", "not a database", "HMAC", "corrupt")):
            raise VaultDamagedError(
                f"{path}: the vault is damaged ({message}); run `drc vault verify`, and restore "
                "a backup with `drc vault restore FILE`"
            ) from None
        raise VaultError(f"{path}: {message}") from None


def network_warning(home: Path) -> str | None:
    """A warning to show when ``home`` is on a network filesystem (WAL needs a local disk)."""
    if is_network_filesystem(home):
        return (
            f"{home} is on a network filesystem; the vault needs a local disk (set DRC_HOME to a "
            "local folder)"
        )
    return None


def check_new_passphrase(passphrase: str) -> None:
    """Re-exported so callers outside store/ can check a passphrase before asking twice."""
    sql.check_new_passphrase(passphrase)


def _ensure_fingerprint_key(connection: sql.Connection) -> None:
    """The vault's random key for content fingerprints, made once from the OS's CSPRNG."""
    query = "SELECT 1 FROM vault_meta WHERE key = ?"
    if connection.execute(query, (_FINGERPRINT_KEY,)).fetchone():
        return
    with sql.transaction(connection):
        connection.execute(
            "INSERT INTO vault_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
            (_FINGERPRINT_KEY, secrets.token_bytes(32)),
        )


def _session_markers(home: Path) -> list[Path]:
    folder = home / SESSIONS_FOLDER
    if not folder.is_dir():
        return []
    return [marker for marker in folder.iterdir() if marker.name.isdigit()]


def _refuse_live_sessions(home: Path, action: str) -> None:
    if any(_process_alive(int(m.name)) for m in _session_markers(home)):
        raise VaultError(f"cannot {action} while a DRC Desktop process has the vault open")


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _file_size(path: Path, suffix: str) -> int:
    try:
        return os.stat(str(path) + suffix).st_size
    except OSError:
        return 0


def _remove_vault_files(path: Path) -> None:
    for suffix in ("", *_SIDECARS):
        Path(str(path) + suffix).unlink(missing_ok=True)
