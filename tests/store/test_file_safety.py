"""Restore, backup and init never lose data: odd paths, leftover WAL files, users' files.

Issue 13 §1: a restore from a path with ``#`` opened another file; a restore or init next to a
leftover ``vault.db-wal`` lost the commits in it; a backup deleted the user's ``*.partial``
files.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from drc_desktop.core.errors import VaultError, WrongPassphraseError
from drc_desktop.store import connection as sql
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE, synthetic_vectors

BACKUP_PASSPHRASE = "the backup passphrase"
ODD_FOLDERS = ("Backup #2", "what?", "100% sure a b", "x#?%&=; Sicherung é 备份")

needs_fork = pytest.mark.skipif(
    sys.platform == "win32" or "fork" not in multiprocessing.get_all_start_methods(),
    reason="needs fork and SIGKILL",
)


def fill(vault: Vault, name: str, items: int) -> None:
    profile = vault.profiles.create(name, "drc-mini")
    for seed in range(items):
        vault.history.add(profile.id, synthetic_vectors(seed), vault.fingerprint(b"%d" % seed))


def history_count(home: Path, passphrase: str = PASSPHRASE) -> int:
    with Vault.unlock(home, passphrase) as vault:
        return vault.info().history_items


def listing(folder: Path) -> dict[str, str]:
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


# ------------------------------------------------------------------ URIs and odd paths


@pytest.mark.parametrize("folder", ODD_FOLDERS)
def test_restore_from_a_path_with_uri_characters_opens_that_file(tmp_path, folder):
    home = tmp_path / "home"
    with Vault.create(home, PASSPHRASE) as vault:
        fill(vault, "Backed up", 3)
        backup = tmp_path / folder / "drc.vault"
        backup.parent.mkdir()
        vault.backup(backup, BACKUP_PASSPHRASE)
        fill(vault, "Later", 2)
    before = listing(home)
    around = sorted(p.name for p in backup.parent.iterdir())

    with pytest.raises(WrongPassphraseError):
        Vault.restore(home, backup, "wrong passphrase", PASSPHRASE)
    assert listing(home) == before
    assert sorted(p.name for p in backup.parent.iterdir()) == around
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["home", folder])

    Vault.restore(home, backup, BACKUP_PASSPHRASE, PASSPHRASE)
    assert history_count(home) == 3


def test_a_vault_in_a_folder_with_uri_characters_works(tmp_path):
    folder = ODD_FOLDERS[-1]
    home = tmp_path / folder / "home #1?"
    with Vault.create(home, PASSPHRASE) as vault:
        fill(vault, "Odd", 2)
        vault.backup(home.parent / "back up #1?.drc", BACKUP_PASSPHRASE)
    assert history_count(home) == 2
    Vault.restore(home, home.parent / "back up #1?.drc", BACKUP_PASSPHRASE, PASSPHRASE)
    assert history_count(home) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]


@pytest.mark.parametrize(
    ("path", "uri"),
    [
        (
            PurePosixPath("/media/usb/Backup #2/drc.vault"),
            "file:///media/usb/Backup%20%232/drc.vault",
        ),
        (PurePosixPath("/a/what?/100%/x"), "file:///a/what%3F/100%25/x"),
        (PurePosixPath("/é/备"), "file:///%C3%A9/%E5%A4%87"),
        (PureWindowsPath("C:/Users/A B/#1/v.db"), "file:///C:/Users/A%20B/%231/v.db"),
        (PureWindowsPath("D:\\x?\\v.db"), "file:///D:/x%3F/v.db"),
    ],
)
def test_sqlite_uris_escape_every_special_character(path, uri):
    assert sql.sqlite_uri(path, "ro") == uri + "?mode=ro"


def test_sqlite_uri_refuses_a_relative_path():
    with pytest.raises(ValueError):
        sql.sqlite_uri(PurePosixPath("file:vault.db"), "rw")


# ------------------------------------------------------------------ a leftover WAL


def _write_then_die(home: Path, items: int) -> None:
    """Child: commit ``items`` items and die without closing, so they live only in the WAL."""
    vault = Vault.unlock(home, PASSPHRASE)
    profile = vault.profiles.create("Only in the WAL", "drc-mini")
    for seed in range(items):
        vault.history.add(profile.id, synthetic_vectors(seed), vault.fingerprint(b"w%d" % seed))
    os.kill(os.getpid(), signal.SIGKILL)


def leave_commits_in_the_wal(home: Path, items: int = 5) -> None:
    child = multiprocessing.get_context("fork").Process(target=_write_then_die, args=(home, items))
    child.start()
    child.join()
    assert child.exitcode == -signal.SIGKILL
    assert Path(str(home / VAULT_FILE) + "-wal").stat().st_size > 0


@needs_fork
def test_restore_keeps_a_leftover_wal_whose_vault_db_was_moved_away(tmp_path):
    home = tmp_path / "home"
    with Vault.create(home, PASSPHRASE) as vault:
        fill(vault, "Backed up", 3)
        vault.backup(tmp_path / "backup.drc", BACKUP_PASSPHRASE)
    leave_commits_in_the_wal(home)
    wal = Path(str(home / VAULT_FILE) + "-wal")
    wal_digest = hashlib.sha256(wal.read_bytes()).hexdigest()
    os.replace(home / VAULT_FILE, tmp_path / "moved-by-the-user.db")  # vault.db is gone

    moved = Vault.restore(home, tmp_path / "backup.drc", BACKUP_PASSPHRASE, PASSPHRASE)
    assert history_count(home) == 3  # the backup, not shadowed by the old WAL
    assert moved is not None
    kept = Path(str(moved) + "-wal")
    assert hashlib.sha256(kept.read_bytes()).hexdigest() == wal_digest

    # the old WAL with its database: no commit was lost
    rebuilt = tmp_path / "rebuilt"
    rebuilt.mkdir()
    os.replace(tmp_path / "moved-by-the-user.db", rebuilt / VAULT_FILE)
    os.replace(kept, str(rebuilt / VAULT_FILE) + "-wal")
    assert history_count(rebuilt) == 3 + 5


@needs_fork
def test_init_refuses_to_start_over_a_leftover_wal(tmp_path):
    home = tmp_path / "home"
    Vault.create(home, PASSPHRASE).close()
    leave_commits_in_the_wal(home)
    os.replace(home / VAULT_FILE, tmp_path / "elsewhere.db")
    before = listing(home)
    with pytest.raises(VaultError, match=r"vault\.db-wal"):
        Vault.create(home, "a new passphrase")
    assert listing(home) == before
    with pytest.raises(VaultError, match=r"vault.db-wal.*put vault.db back"):
        Vault.unlock(home, PASSPHRASE)


# ------------------------------------------------------------------ backup and users' files


def test_backup_never_deletes_files_it_did_not_create(vault, tmp_path):
    fill(vault, "Mine", 2)
    folder = tmp_path / "pt"
    folder.mkdir()
    for name in ("report.partial", "report.partial-wal", "report.partial-journal"):
        (folder / name).write_text(f"the user's own {name}")
    before = listing(folder)
    vault.backup(folder / "report", BACKUP_PASSPHRASE)
    after = listing(folder)
    assert {name: after[name] for name in before} == before
    assert sorted(after) == sorted([*before, "report"])
