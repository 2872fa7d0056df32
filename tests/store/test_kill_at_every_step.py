"""Restore, backup and init killed with SIGKILL right after each of their steps lose nothing.

A child process runs the operation with ``store.steps.hook`` set to kill itself when it
reaches step *k* (deterministic, one round per step); the parent then starts again the way a
user would and checks that the half-done operation was finished or undone, with a message,
and that every commit of the old vault is still somewhere it can be opened.
``benchmarks/attack_vault.py`` adds kills at random moments.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

import drc_desktop
from drc_desktop.core.errors import VaultError
from drc_desktop.store import connection as sql
from drc_desktop.store import steps
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE
from .test_file_safety import BACKUP_PASSPHRASE, fill, history_count, leave_commits_in_the_wal

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs fork and SIGKILL")

NEW_PASSPHRASE = "the passphrase after restore"

CHILD = f"""
import os, signal, sys
from pathlib import Path
from drc_desktop.store import connection as sql
from drc_desktop.store import steps
from drc_desktop.store.vault import Vault

operation, kill_at, home, other = sys.argv[1:5]
def kill_here(step):
    if step == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
steps.hook = kill_here
if operation == "restore":
    Vault.restore(Path(home), Path(other), {BACKUP_PASSPHRASE!r}, {NEW_PASSPHRASE!r})
elif operation == "backup":
    with Vault.unlock(Path(home), {PASSPHRASE!r}) as vault:
        vault.backup(Path(other), {BACKUP_PASSPHRASE!r})
elif operation == "init":
    Vault.create(Path(home), {PASSPHRASE!r}).close()
"""


def run_killed(operation: str, step: str, home: Path, other: Path | str = "-") -> None:
    root = str(Path(drc_desktop.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, operation, step, str(home), str(other)],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == -signal.SIGKILL, f"{step} not reached: {done.stderr[-2000:]}"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A vault with 3 items in its file and 5 more only in its WAL, and a backup of 3 items."""
    root = tmp_path_factory.mktemp("template")
    with Vault.create(root / "home", PASSPHRASE) as vault:
        fill(vault, "Backed up", 3)
        vault.backup(root / "backup.drc", BACKUP_PASSPHRASE)
    leave_commits_in_the_wal(root / "home")
    return root


@pytest.mark.parametrize("step", steps.RESTORE_STEPS)
def test_restore_killed_after_any_step_is_finished_or_undone(template, tmp_path, step):
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    home = tmp_path / "home"
    run_killed("restore", step, home, tmp_path / "backup.drc")

    try:
        vault = Vault.unlock(home, NEW_PASSPHRASE)
    except VaultError:  # the restore was undone: the old vault, every commit in it
        vault = Vault.unlock(home, PASSPHRASE)
        with vault:
            assert vault.info().history_items == 8
            undone = steps.RESTORE_STEPS.index(step) < steps.RESTORE_STEPS.index("restore.journal")
            assert undone, f"killed after {step}, yet the restore was not finished"
            assert not vault.notes or "undone" in vault.notes[0]
    else:
        with vault:
            assert vault.info().history_items == 3
            if step != steps.RESTORE_STEPS[-1]:
                assert any("interrupted restore" in note for note in vault.notes), vault.notes
        (aside,) = home.glob("vault.before-restore-*.db")
        old = tmp_path / "old"
        old.mkdir()
        for suffix in ("", "-wal", "-shm"):
            if Path(str(aside) + suffix).exists():
                os.replace(str(aside) + suffix, str(old / VAULT_FILE) + suffix)
        assert history_count(old) == 8
    leftovers = [p.name for p in home.iterdir() if p.name not in _vault_files(home)]
    assert leftovers == [], leftovers


def _vault_files(home: Path) -> set[str]:
    return {
        "sessions",
        *(VAULT_FILE + s for s in ("", "-wal", "-shm")),
        *(p.name for p in home.glob("vault.before-restore-*")),
    }


@pytest.mark.parametrize("step", steps.BACKUP_STEPS)
def test_backup_killed_after_any_step_is_retried_first_time(template, tmp_path, step):
    shutil.copytree(template, tmp_path, dirs_exist_ok=True)
    folder = tmp_path / "backups"
    folder.mkdir()
    (folder / "b.drc.partial").write_text("the user's own file")
    run_killed("backup", step, tmp_path / "home", folder / "b.drc")

    target = folder / "b.drc"
    with Vault.unlock(tmp_path / "home", PASSPHRASE) as vault:
        if target.exists():  # killed after the rename: that backup is complete and sound
            target = folder / "b2.drc"
        vault.backup(target, BACKUP_PASSPHRASE)
    names = sorted(p.name for p in folder.iterdir())
    assert names in (["b.drc", "b.drc.partial"], ["b.drc", "b.drc.partial", "b2.drc"]), names
    assert (folder / "b.drc.partial").read_text() == "the user's own file"
    for backup in folder.glob("*.drc"):
        copy = sql.open_keyed(backup, BACKUP_PASSPHRASE, read_only=True)
        try:
            sql.check_integrity(copy, backup)
            assert copy.execute("SELECT count(*) FROM history_items").fetchone()[0] == 8
        finally:
            copy.close()


@pytest.mark.parametrize("step", steps.INIT_STEPS)
def test_init_killed_after_any_step_leaves_a_vault_or_a_clean_folder(tmp_path, step):
    home = tmp_path / "home"
    run_killed("init", step, home)
    try:
        vault = Vault.create(home, PASSPHRASE)
    except VaultError as exc:  # killed after vault.db was in place: it is a whole vault
        assert "already exists" in str(exc)
        vault = Vault.unlock(home, PASSPHRASE)
    with vault:
        vault.verify()
        assert vault.info().history_items == 0
    with pytest.raises(VaultError):
        Vault.unlock(home, "not the passphrase")  # never an empty file keyed by anyone
    assert sorted(p.name for p in home.iterdir()) == ["sessions", VAULT_FILE]
