"""Damaged vault files are detected, never repaired silently, and a backup brings data back."""

from __future__ import annotations

import hashlib

import pytest

from drc_desktop.core.errors import VaultDamagedError
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.vault import Vault, reported_as_vault_errors

from .conftest import PASSPHRASE, synthetic_vectors

PAGE_SIZE = 4096


def make_vault(home, items: int = 40) -> None:
    with Vault.create(home, PASSPHRASE) as vault:
        profile = vault.profiles.create("Alice", "drc-mini")
        for seed in range(items):
            vault.history.add(profile.id, synthetic_vectors(seed), vault.fingerprint(b"%d" % seed))


def flip_bytes(path, page: int, count: int = 8) -> None:
    data = bytearray(path.read_bytes())
    start = page * PAGE_SIZE + 200
    for offset in range(start, start + count):
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_flipped_bytes_in_a_data_page_are_found_by_verify(home):
    make_vault(home)
    path = home / VAULT_FILE
    assert path.stat().st_size > 10 * PAGE_SIZE
    flip_bytes(path, page=5)
    damaged = digest(path)
    expected = r"damaged \(.*HMAC.*page 6.*restore a backup"
    with Vault.unlock(home, PASSPHRASE) as vault, pytest.raises(VaultDamagedError, match=expected):
        vault.verify()  # page 1 is intact: unlock stays fast, verify finds the damage
    assert digest(path) == damaged  # nothing repaired or rewritten


def test_reading_a_damaged_page_is_a_clear_vault_error(home):
    make_vault(home)
    path = home / VAULT_FILE
    flip_bytes(path, page=5)
    with Vault.unlock(home, PASSPHRASE) as vault:
        profile = vault.profiles.get("Alice")
        with (
            pytest.raises(VaultDamagedError, match="drc vault restore"),
            reported_as_vault_errors(path),
        ):
            vault.history.list(profile.id)


def test_damaged_first_page_is_refused_without_change(home):
    make_vault(home)
    path = home / VAULT_FILE
    flip_bytes(path, page=0)
    damaged = digest(path)
    with pytest.raises(Exception, match="wrong passphrase"):
        Vault.unlock(home, PASSPHRASE)
    assert digest(path) == damaged


def test_restore_from_backup_after_corruption(home, tmp_path):
    make_vault(home)
    backup = tmp_path / "backup.drc"
    with Vault.unlock(home, PASSPHRASE) as vault:
        vault.backup(backup, "backup passphrase")
    flip_bytes(home / VAULT_FILE, page=5)
    moved = Vault.restore(home, backup, "backup passphrase", PASSPHRASE)
    assert moved.exists()  # the damaged vault is kept for the user to decide
    with Vault.unlock(home, PASSPHRASE) as vault:
        vault.verify()
        assert vault.history.count(vault.profiles.get("Alice").id) == 40


def test_backup_of_a_damaged_vault_is_refused(home, tmp_path):
    make_vault(home)
    flip_bytes(home / VAULT_FILE, page=5)
    with Vault.unlock(home, PASSPHRASE) as vault, pytest.raises(VaultDamagedError):
        vault.backup(tmp_path / "backup.drc", "backup passphrase")
    assert not (tmp_path / "backup.drc").exists()
    assert [p.name for p in tmp_path.iterdir()] == [home.name]  # no staged copy left
