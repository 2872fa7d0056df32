"""Issue 13 §4: a failure to open or use the vault says what happened and what to do.

Read-only media, inode exhaustion and full disks are made with small tmpfs mounts, which
needs root; elsewhere those tests are skipped with the reason.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from drc_desktop.core.errors import VaultError, WrongPassphraseError
from drc_desktop.store.sessions import SESSIONS_FOLDER, process_start_time
from drc_desktop.store.vault import Vault, reported_as_vault_errors

from .conftest import PASSPHRASE, synthetic_vectors


def can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0


needs_mount = pytest.mark.skipif(not can_mount(), reason="needs root to mount a small tmpfs")


@pytest.fixture
def small_disk(tmp_path):
    """A 16 MiB tmpfs with 64 inodes, unmounted after the test."""
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m,nr_inodes=64", "tmpfs", str(mount)],
                   check=True)  # fmt: skip
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def filled(vault: Vault, items: int, first: int = 0) -> int:
    profile = vault.profiles.create(f"P{first}", "drc-mini").id
    for seed in range(first, first + items):
        vault.history.add(profile, synthetic_vectors(seed), vault.fingerprint(b"%d" % seed))
    return profile


def fill_disk(mount: Path) -> None:
    try:
        with open(mount / "filler", "wb") as file:
            while True:
                file.write(b"\0" * 65536)
    except OSError:
        pass


@needs_mount
def test_a_vault_on_read_only_media_says_so(small_disk):
    Vault.create(small_disk / "home", PASSPHRASE).close()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with pytest.raises(VaultError, match="read-only") as error:
        Vault.unlock(small_disk / "home", PASSPHRASE)
    assert not isinstance(error.value, WrongPassphraseError)


@needs_mount
def test_a_disk_without_free_inodes_says_so(small_disk):
    Vault.create(small_disk / "home", PASSPHRASE).close()
    index = 0
    while True:
        try:
            (small_disk / f"f{index}").touch()
        except OSError:
            break
        index += 1
    with pytest.raises(VaultError, match="no free inodes") as error:
        Vault.unlock(small_disk / "home", PASSPHRASE)
    assert not isinstance(error.value, WrongPassphraseError)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root may write anywhere")
def test_a_read_only_data_folder_says_so(tmp_path):
    home = tmp_path / "home"
    Vault.create(home, PASSPHRASE).close()
    os.chmod(home, 0o500)
    try:
        with pytest.raises(VaultError, match="read-only for you"):
            Vault.unlock(home, PASSPHRASE)
    finally:
        os.chmod(home, 0o700)


@needs_mount
def test_verify_on_a_full_disk_succeeds_and_keeps_every_commit(small_disk):
    home = small_disk / "home"
    with Vault.create(home, PASSPHRASE) as vault:
        filled(vault, 20)
        fill_disk(small_disk)
        vault.verify()
    assert any("full" in note for note in vault.notes)  # the checkpoint waits for space
    (small_disk / "filler").unlink()
    with Vault.unlock(home, PASSPHRASE) as vault:
        assert vault.info().history_items == 20


@needs_mount
def test_a_backup_onto_a_full_disk_names_the_target_and_leaves_nothing(home, small_disk):
    with Vault.create(home, PASSPHRASE) as vault:
        filled(vault, 40)
        fill_disk(small_disk)
        (small_disk / "filler").unlink()
        fill_disk(small_disk)  # nearly full: an empty file fits, the backup does not
        target = small_disk / "backup.drc"
        with pytest.raises(VaultError) as error:
            vault.backup(target, "a backup passphrase")
    message = str(error.value)
    assert str(small_disk) in message and "full" in message and "vault.db" not in message
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_a_passphrase_changed_meanwhile_is_not_called_damage(home, vault):
    profile = filled(vault, 2)
    # another process unlocked and changed the passphrase before this one's marker existed
    vault._marker.unlink()
    with Vault.unlock(home, PASSPHRASE) as other:
        other.rekey("the new passphrase")
    with pytest.raises(VaultError) as error, reported_as_vault_errors(vault.path):
        vault.history.add(profile, synthetic_vectors(9), vault.fingerprint(b"9"))
    message = str(error.value).removeprefix(f"{vault.path}: ")  # the path names the test
    assert "passphrase" in message and "changed" in message
    assert "damaged" not in message.split(".")[0]
    with Vault.unlock(home, "the new passphrase") as reopened:
        reopened.verify()
        assert reopened.info().history_items == 2


def test_unlock_marks_its_session_before_it_reads_the_vault(home, vault, monkeypatch):
    vault.close()
    seen = []
    from drc_desktop.store import connection as sql

    real = sql.open_keyed

    def watching(*args, **kwargs):
        seen.append(sorted(p.name for p in (home / SESSIONS_FOLDER).iterdir()))
        return real(*args, **kwargs)

    monkeypatch.setattr(sql, "open_keyed", watching)
    Vault.unlock(home, PASSPHRASE).close()
    assert seen == [[str(os.getpid())]]


@pytest.mark.skipif(process_start_time(os.getpid()) is None, reason="no process start times")
def test_a_marker_whose_pid_was_reused_does_not_block(home, vault):
    vault.close()
    reused = home / SESSIONS_FOLDER / str(os.getppid())  # alive, but not a DRC process
    reused.write_text("an-older-boot:12345")
    with Vault.unlock(home, PASSPHRASE) as reopened:
        assert reopened.checked_after_crash  # the stale marker meant an unclean shutdown
        reopened.rekey("another passphrase here")
    assert not reused.exists()


def test_a_live_marker_is_named_in_the_refusal(home, vault, tmp_path):
    vault.backup(tmp_path / "b.drc", "a backup passphrase")
    vault.close()
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        marker = home / SESSIONS_FOLDER / str(other.pid)
        marker.write_text(process_start_time(other.pid) or "")
        with pytest.raises(VaultError, match=f"process {other.pid}.*{marker}"):
            Vault.restore(home, tmp_path / "b.drc", "a backup passphrase", PASSPHRASE)
        with (
            Vault.unlock(home, PASSPHRASE) as reopened,
            pytest.raises(VaultError, match=marker.name),
        ):
            reopened.rekey("another passphrase here")
    finally:
        other.kill()
        other.wait()
