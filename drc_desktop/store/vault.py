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

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from drc_desktop.core.errors import VaultDamagedError, VaultError, WrongPassphraseError
from drc_desktop.store import connection as sql
from drc_desktop.store import restore as restoring
from drc_desktop.store import staging, steps
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
from drc_desktop.store.sessions import (
    SESSIONS_FOLDER,
    open_session,
    refuse_live_sessions,
    stale_sessions,
)

__all__ = ["SESSIONS_FOLDER", "Vault", "VaultInfo"]

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
        notes: things the user should be told that are not errors (an interrupted restore
            finished or undone, a checkpoint left for later on a full disk...).
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
        self.notes: list[str] = []
        self._raw_key = False
        self._marker: Path | None = None

    # ------------------------------------------------------------------ lifecycle

    @classmethod
    def create(cls, home: Path, passphrase: str) -> Vault:
        """Create a new, empty vault in ``home``.

        The vault is built under a staging name and put in place whole (``steps.INIT_STEPS``),
        so a crash leaves either no ``vault.db`` or a complete one, never an empty file that
        any passphrase would "open".

        Raises:
            VaultError: a vault already exists there (it is never overwritten), or files of
                an earlier vault (``vault.db-wal``...) are there without it.
            InputError: the passphrase is too weak.
        """
        sql.check_new_passphrase(passphrase)
        path = home / VAULT_FILE
        try:
            make_private_folder(home)
        except OSError as exc:
            raise VaultError(f"{path}: cannot create the vault ({exc.strerror or exc})") from None
        notes = _finish_interrupted_restore(home)
        if path.exists():
            raise VaultError(
                f"{path}: a vault already exists here; nothing was changed"
                + "".join(f" ({note})" for note in notes)
            )
        _refuse_orphaned_sidecars(home, "create a new vault")
        staged = staging.staging_path(path, "init")
        try:
            staging.create_private(staged)
            steps.reached("init.created")
            connection = sql.open_keyed(staged, passphrase)
            try:
                sql.apply_pragmas(connection)
                steps.reached("init.keyed")
                migrate(connection)
                _ensure_fingerprint_key(connection)
                steps.reached("init.migrated")
            finally:
                connection.close()  # the last connection: SQLite checkpoints and drops the WAL
            staging.sync_file(staged)
            steps.reached("init.closed")
            staging.place(staged, path)
            steps.reached("init.placed")
        except FileExistsError:
            raise VaultError(f"{path}: a vault already exists here; nothing was changed") from None
        except (OSError, sql.DatabaseError) as exc:
            raise restoring.write_failure(exc, home, "cannot create the vault") from None
        finally:
            staging.remove_with_sidecars(staged)
        vault = cls.unlock(home, passphrase)
        vault.notes[:0] = notes
        return vault

    @classmethod
    def unlock(cls, home: Path, passphrase: str) -> Vault:
        """Open the vault in ``home``: derive the key, read the schema version, migrate.

        Fast path: one key derivation and a page read. After an unclean shutdown, or when a
        restore that was interrupted is finished first, the full integrity checks run.

        Raises:
            VaultError: there is no vault, or it is from a newer app.
            WrongPassphraseError: the passphrase is wrong; the file is not written.
            VaultDamagedError: checks after an unclean shutdown failed; nothing is changed.
        """
        path = home / VAULT_FILE
        notes = _finish_interrupted_restore(home) if home.is_dir() else []
        plan = restoring.pending_plan(home) if home.is_dir() else None
        if not path.is_file():
            _refuse_orphaned_sidecars(home, "open the vault")
            raise VaultError(f"{home}: no vault here yet (create one with `drc vault init`)")
        # the marker first: a passphrase change in another process waits for it to go
        try:
            marker = open_session(home)
        except OSError as exc:
            problem = sql.folder_problem(home) or f"cannot write a session marker ({exc})"
            raise VaultError(f"{path}: {problem}") from None
        try:
            connection = sql.open_keyed(path, passphrase)
        except WrongPassphraseError as exc:
            marker.unlink(missing_ok=True)
            if plan is None:
                raise
            raise WrongPassphraseError(
                f"{exc} (a restore was just finished: the vault now opens with the passphrase "
                "chosen for the restore)"
            ) from None
        except BaseException:
            marker.unlink(missing_ok=True)
            raise
        try:
            check_version(sql.schema_version(connection), str(path))
            sql.apply_pragmas(connection)
            vault = cls(home, connection)
            vault.notes = notes
            if sql.is_raw_key(passphrase):  # made by an older app that let such keys through
                vault._raw_key = True
                vault.notes.append(
                    "this vault's passphrase has SQLCipher's raw-key form x'...', so it is used "
                    "as the encryption key without key stretching: change it now with "
                    "`drc vault passwd`"
                )
            stale = stale_sessions(home)
            if stale or plan is not None:
                sql.check_integrity(connection, path)
                vault.checked_after_crash = bool(stale)
                for stale_marker in stale:
                    stale_marker.unlink(missing_ok=True)
            migrate(connection)
            _ensure_fingerprint_key(connection)
            if plan is not None:
                vault.audit.record(AuditEvent.restored)
                if plan.pid != os.getpid():  # a restore of this process ends it itself
                    restoring.end(home)
        except BaseException:
            connection.close()
            marker.unlink(missing_ok=True)
            raise
        vault._marker = marker
        return vault

    def close(self) -> None:
        """Checkpoint the WAL into the main file and close; the session marker goes last.

        A checkpoint that fails for lack of disk space is not an error: every commit is in
        the WAL, and the next open checkpoints it; it is added to ``notes``.
        """
        if self._db is None:
            return
        try:
            checkpoint(self._db)
        except sql.DatabaseError as exc:
            if not sql.is_disk_full(exc):
                raise
            self.notes.append(
                f"the disk holding {self.home} is full: the last changes are kept in "
                f"{self.path.name}-wal and will be merged into {self.path.name} when there is "
                "space again; nothing was lost"
            )
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
            cipher=sql.cipher_description(self._db)
            + (" (raw key: the passphrase is not stretched)" if self._raw_key else ""),
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
        self._raw_key = False
        self.audit.record(AuditEvent.passphrase_changed)
        self.checkpoint()

    def backup(self, target: Path, passphrase: str) -> None:
        """Write a verified copy of the vault to ``target``, encrypted with ``passphrase``.

        The vault is checked before, the copy after (opened read-only with its passphrase).
        The copy is written under a staging name of its own next to ``target`` and put in
        place only when sound; no other file is ever replaced or removed, except marked
        leftovers of a backup whose process died (``staging``).

        Raises:
            VaultError: ``target`` exists (never overwritten) or cannot be written (a full
                disk is named as such, with ``target``'s folder).
            VaultDamagedError: the vault failed its checks; no backup was written.
        """
        sql.check_new_passphrase(passphrase)
        target = target.absolute()
        if os.path.lexists(target):
            raise VaultError(f"{target}: file exists; choose a new name for the backup")
        if not target.parent.is_dir():
            raise VaultError(f"{target.parent}: no such folder")
        staging.remove_leftovers(target.parent, "backup")
        self.verify()
        staged = staging.staging_path(target, "backup")
        created = False
        try:
            staging.create_private(staged)
            created = True
            sql.export_copy(self._db, staged, passphrase, self.schema_version)
            staging.sync_file(staged)
            steps.reached("backup.exported")
            check = sql.open_keyed(staged, passphrase, read_only=True)
            try:
                sql.check_integrity(check, target)
            finally:
                check.close()
            steps.reached("backup.checked")
            staging.place(staged, target)
            steps.reached("backup.placed")
        except FileExistsError:
            raise VaultError(f"{target}: file exists; choose a new name for the backup") from None
        except (OSError, sql.DatabaseError) as exc:
            failure = restoring.write_failure(exc, target.parent, f"cannot write {target.name}")
            raise failure from None
        finally:
            if created:
                staging.remove_with_sidecars(staged)
        try:
            self.audit.record(AuditEvent.backed_up)
        except sql.DatabaseError as exc:
            if not sql.is_disk_full(exc):
                raise
            self.notes.append(
                f"the backup is written and checked, but the disk holding {self.home} is full, "
                "so the audit log could not record it"
            )
        steps.reached("backup.done")

    @staticmethod
    def restore(home: Path, source: Path, backup_passphrase: str, passphrase: str) -> Path | None:
        """Make the backup ``source`` the vault of ``home``, keyed with ``passphrase``.

        The backup is opened read-only and checked; a checked copy is written next to the
        vault; only then are the current vault's files (``vault.db`` and any ``-wal`` /
        ``-shm``, even without ``vault.db``) moved aside, never deleted, and the copy put in
        place. Journaled (``store.restore``): a crash at any step is undone or finished by
        the next start. Returns where the previous vault was moved (None if there was none).

        Raises:
            WrongPassphraseError: ``backup_passphrase`` does not open ``source``.
            VaultDamagedError: the backup fails its checks; nothing is changed.
            VaultError: the vault is open in another process, or a file cannot be written.
        """
        sql.check_new_passphrase(passphrase)
        source = source.absolute()
        if not source.is_file():
            raise VaultError(f"{source}: no such backup file")
        try:
            make_private_folder(home)
        except OSError as exc:
            raise VaultError(f"{home}: cannot create the folder ({exc.strerror or exc})") from None
        refuse_live_sessions(home, "restore a backup")
        _finish_interrupted_restore(home)
        if restoring.pending_plan(home) is not None:
            restoring.end(home)  # finished above; the vault it installed is moved aside now
        if (home / VAULT_FILE).exists() and os.path.samefile(source, home / VAULT_FILE):
            raise VaultError(f"{source}: is the vault itself")
        plan = restoring.copy_backup(home, source, backup_passphrase, passphrase)
        restoring.move_files(home, plan)
        Vault.unlock(home, passphrase).close()  # the full checks, and the audit entry
        steps.reached("restore.checked")
        restoring.end(home)
        steps.reached("restore.done")
        moved = restoring.aside_files(home, plan)
        return moved[0].with_name(plan.aside) if moved else None

    # ------------------------------------------------------------------ sessions

    def _refuse_other_sessions(self, action: str) -> None:
        refuse_live_sessions(self.home, action, own=self._marker)


@contextmanager
def reported_as_vault_errors(path: Path) -> Iterator[None]:
    """Turn SQLCipher's own exceptions inside the block into :class:`VaultError`s a person can
    act on, told apart by SQLite's result codes (issue 13 §4)."""
    try:
        yield
    except sql.DatabaseError as exc:
        raise _use_failure(exc, path) from None


def _use_failure(exc: sql.DatabaseError, path: Path) -> VaultError:
    code = sql.primary_code(exc)
    if code == sqlcipher3.SQLITE_NOTADB:
        # An open vault whose pages no longer decrypt: most often another process changed
        # the passphrase after this one unlocked; restoring a backup then would lose data.
        return VaultError(
            f"{path}: the vault can no longer be read with the passphrase this command "
            "unlocked it with. If its passphrase was changed meanwhile (`drc vault passwd` or "
            "the app, in another window), nothing is wrong: run the command again with the new "
            "passphrase. Otherwise run `drc vault verify`, and restore a backup only if it "
            "reports damage"
        )
    if code == sqlcipher3.SQLITE_CORRUPT:
        return VaultDamagedError(
            f"{path}: the vault is damaged ({exc}); run `drc vault verify`, and restore a "
            "backup with `drc vault restore FILE` (the damaged file is kept)"
        )
    if code == sqlcipher3.SQLITE_FULL:
        return VaultError(
            f"{path}: the disk is full ({exc}); what was committed before is kept. Free some "
            "space and run the command again"
        )
    if code in (sqlcipher3.SQLITE_BUSY, sqlcipher3.SQLITE_LOCKED):
        return VaultError(
            f"{path}: another DRC Desktop process kept the vault busy for too long; try again "
            "when it is done"
        )
    if code in (sqlcipher3.SQLITE_READONLY, sqlcipher3.SQLITE_CANTOPEN, sqlcipher3.SQLITE_IOERR):
        problem = sql.folder_problem(path.parent)
        if problem is not None:
            return VaultError(f"{path}: {problem}")
    return VaultError(f"{path}: {exc}")


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


def _file_size(path: Path, suffix: str) -> int:
    try:
        return os.stat(str(path) + suffix).st_size
    except OSError:
        return 0


def _finish_interrupted_restore(home: Path) -> list[str]:
    """Undo (before its journal) or finish (after) a restore whose process died; the notes
    to show. The journal itself is ended by the unlock that checks the installed copy."""
    notes = []
    removed = restoring.remove_unfinished_copies(home)
    if removed:
        notes.append(
            "an interrupted restore or init was undone: its unfinished copy was removed "
            f"({', '.join(p.name for p in removed)}); the vault is as it was before"
        )
    plan = restoring.pending_plan(home)
    if plan is None or plan.pid == os.getpid():  # none, or this process's own restore
        return notes
    if plan.running:
        raise VaultError(
            f"{home}: a restore is in progress (process {plan.pid}); try again when it is done"
        )
    restoring.move_files(home, plan)
    aside = restoring.aside_files(home, plan)
    kept = f"; the previous vault is kept at {aside[0].with_name(plan.aside)}" if aside else ""
    notes.append(f"an interrupted restore was finished: the backup is now the vault{kept}")
    return notes


def _refuse_orphaned_sidecars(home: Path, action: str) -> None:
    """A ``vault.db-wal`` without its ``vault.db`` holds commits: never start over it."""
    path = home / VAULT_FILE
    orphans = [Path(str(path) + s) for s in _SIDECARS if os.path.lexists(str(path) + s)]
    if orphans and not path.exists():
        names = ", ".join(p.name for p in orphans)
        raise VaultError(
            f"{home}: {names} is here but vault.db is missing, so the commits it holds belong "
            f"to a vault that was moved or deleted. Cannot {action}: put vault.db back (from "
            f"wherever it was moved), or move {names} away too; nothing was changed"
        )
