"""The file moves of a restore, journaled so that a crash at any point loses nothing.

A restore (``Vault.restore``) goes through ``steps.RESTORE_STEPS``:

1. the backup is opened read-only, checked, and exported under a staging name next to the
   vault (``staging``); a crash here leaves only that marked copy, which the next start
   removes: the restore is *undone*;
2. the plan is written to ``restore-in-progress.json`` (where the copy is, where the current
   vault goes); from here on the next start *finishes* the restore;
3. ``vault.db``, ``vault.db-wal`` and ``vault.db-shm`` are moved aside, each that exists, even
   when ``vault.db`` itself is missing (a WAL left from a crash is never shadowed by, nor
   replayed into, the restored copy, issue 13 §1);
4. the copy is put in place as ``vault.db``; it is opened, checked and the journal removed.

Every move is idempotent, so finishing is the same code whichever step the crash followed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from drc_desktop.core.errors import VaultError
from drc_desktop.store import connection as sql
from drc_desktop.store import staging, steps
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.schema import check_version
from drc_desktop.store.sessions import process_alive, process_start_time

JOURNAL = "restore-in-progress.json"
VAULT_SUFFIXES = ("", "-wal", "-shm")
ASIDE_PATTERN = "vault.before-restore-{stamp}.db"


@dataclass(frozen=True)
class RestorePlan:
    """What ``restore-in-progress.json`` holds: names inside the data folder."""

    incoming: str  # the checked copy, a staging name until it becomes vault.db
    aside: str  # where the current vault's files go
    pid: int
    started: str | None

    def write(self, home: Path) -> None:
        temporary = staging.staging_path(home / JOURNAL, "journal")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            json.dump(self.__dict__, file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, home / JOURNAL)
        staging.sync_folder(home)

    @property
    def running(self) -> bool:
        """Whether the process doing this restore is still at it."""
        return process_alive(self.pid) and (
            self.started is None or process_start_time(self.pid) in (None, self.started)
        )


def pending_plan(home: Path) -> RestorePlan | None:
    """The plan of a restore that has not finished, or None.

    Raises:
        VaultError: the journal cannot be read (it names the file).
    """
    path = home / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RestorePlan(str(data["incoming"]), str(data["aside"]), int(data["pid"]),
                           data.get("started"))  # fmt: skip
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VaultError(
            f"{path}: an interrupted restore left this journal, and it cannot be read ({exc}); "
            "nothing was changed. Its files are in the same folder: vault.db*, "
            "vault.before-restore-*.db* and *.drc-restore-*.partial"
        ) from None


def copy_backup(home: Path, source: Path, backup_passphrase: str, passphrase: str) -> RestorePlan:
    """Steps 1-2: the checked copy of ``source`` next to the vault, and the journal.

    Raises:
        WrongPassphraseError: ``backup_passphrase`` does not open ``source``.
        VaultDamagedError: the backup fails its checks. Nothing is changed in ``home``.
        VaultError: the copy cannot be written (the message names the disk and the reason).
    """
    incoming = staging.staging_path(home / VAULT_FILE, "restore")
    backup = sql.open_keyed(source.absolute(), backup_passphrase, read_only=True)
    try:
        version = sql.schema_version(backup)
        check_version(version, str(source))
        sql.check_integrity(backup, source)
        try:
            staging.create_private(incoming)
            sql.export_copy(backup, incoming, passphrase, version)
            staging.sync_file(incoming)
        except (OSError, sql.DatabaseError) as exc:
            raise write_failure(exc, home, "cannot write the restored copy") from None
    except BaseException:
        staging.remove_with_sidecars(incoming)
        raise
    finally:
        backup.close()
    steps.reached("restore.copied")
    plan = RestorePlan(incoming.name, _free_aside_name(home), os.getpid(),
                       process_start_time(os.getpid()))  # fmt: skip
    try:
        plan.write(home)
    except OSError as exc:
        staging.remove_with_sidecars(incoming)
        raise write_failure(exc, home, "cannot write the restore journal") from None
    steps.reached("restore.journal")
    return plan


def move_files(home: Path, plan: RestorePlan) -> None:
    """Steps 3-4, idempotent: the current vault's files aside, then the copy in place."""
    incoming = home / plan.incoming
    vault = home / VAULT_FILE
    if not incoming.exists():
        return  # already in place
    if vault.exists() and os.path.samefile(incoming, vault):  # placed, old name still there
        incoming.unlink()
        return
    for suffix in VAULT_SUFFIXES:
        current = Path(str(vault) + suffix)
        if current.exists():
            staging.place(current, home / (plan.aside + suffix))
            steps.reached(f"restore.aside{suffix}")
    staging.place(incoming, vault)
    steps.reached("restore.installed")


def end(home: Path) -> None:
    (home / JOURNAL).unlink(missing_ok=True)
    staging.sync_folder(home)


def aside_files(home: Path, plan: RestorePlan) -> list[Path]:
    return [p for s in VAULT_SUFFIXES if (p := home / (plan.aside + s)).exists()]


def remove_unfinished_copies(home: Path) -> list[Path]:
    """Copies and journals of restores (and inits) whose process died before step 2."""
    plan_file = home / JOURNAL
    keep = set()
    if plan_file.exists():
        plan = pending_plan(home)
        keep = {home / (plan.incoming + s) for s in ("", *staging.SQLITE_SIDECARS)}
    removed = []
    for kind in ("restore", "init", "journal"):
        for path in staging.leftovers(home, kind):
            if path not in keep:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def write_failure(exc: BaseException, folder: Path, what: str) -> VaultError:
    """A write error named by where it happened: a full disk, a read-only one, or the OS's."""
    if sql.is_disk_full(exc) or getattr(exc, "errno", None) in (28, 122):  # ENOSPC, EDQUOT
        return VaultError(f"{folder}: {what}: the disk is full (no space or no free inodes)")
    if isinstance(exc, OSError):
        return VaultError(f"{folder}: {what} ({exc.strerror or exc})")
    return VaultError(f"{folder}: {what} ({exc})")


def _free_aside_name(home: Path) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name, number = ASIDE_PATTERN.format(stamp=stamp), 1
    while any(os.path.lexists(home / (name + s)) for s in VAULT_SUFFIXES):
        number += 1
        name = ASIDE_PATTERN.format(stamp=f"{stamp}-{number}")
    return name
