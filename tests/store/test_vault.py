from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from drc_desktop.core.errors import InputError, VaultError, WrongPassphraseError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.store import location
from drc_desktop.store.records import AuditEvent
from drc_desktop.store.schema import SCHEMA_VERSION
from drc_desktop.store.vault import SESSIONS_FOLDER, Vault, network_warning

from .conftest import PASSPHRASE, synthetic_vectors

BACKUP_PASSPHRASE = "a different backup passphrase"


def file_digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def fill(vault: Vault, name: str = "Alice", items: int = 3) -> int:
    profile = vault.profiles.create(name, "drc-mini")
    for seed in range(items):
        vault.history.add(profile.id, synthetic_vectors(seed), vault.fingerprint(b"%d" % seed))
    vault.outputs.add(b"\x89PNG fake", 64, 64, GenerationRequest(profile_id=profile.id, seed=7))
    return profile.id


def test_create_refuses_an_existing_vault_and_changes_nothing(home, vault):
    fill(vault)
    vault.close()
    before = file_digests(home)
    with pytest.raises(VaultError, match="already exists"):
        Vault.create(home, "another passphrase")
    assert file_digests(home) == before


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_vault_files_are_readable_by_the_owner_only(home, vault):
    fill(vault)  # writes the WAL
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    for suffix in ("", "-wal", "-shm"):
        path = Path(str(vault.path) + suffix)
        assert path.exists(), path
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


def test_wrong_passphrase_leaves_file_untouched(home, vault):
    fill(vault)
    vault.close()
    before = file_digests(home)
    with pytest.raises(WrongPassphraseError, match="wrong passphrase"):
        Vault.unlock(home, PASSPHRASE + " ")
    assert file_digests(home) == before


def test_unlock_without_a_vault_says_how_to_create_one(tmp_path):
    with pytest.raises(VaultError, match="drc vault init"):
        Vault.unlock(tmp_path, PASSPHRASE)


def test_vectors_round_trip_exactly(vault):
    profile = vault.profiles.create("Alice", "drc-mini")
    vectors = synthetic_vectors(3)
    item_id = vault.history.add(profile.id, vectors, vault.fingerprint(b"x"), label="cat")
    (item,) = vault.history.list(profile.id)
    assert item.id == item_id and item.label == "cat"
    assert item.vectors.encoder == vectors.encoder
    for field in ("features", "style", "semantics"):
        np.testing.assert_array_equal(getattr(item.vectors, field), getattr(vectors, field))
    encoders, features = vault.history.features(profile.id)
    assert encoders == {vectors.encoder}
    np.testing.assert_array_equal(features, vectors.features[None])


def test_duplicates_are_detected_within_a_profile_only(vault):
    alice = vault.profiles.create("Alice", "drc-mini")
    bob = vault.profiles.create("Bob", "drc-mini")
    digest = vault.fingerprint(b"same pixels")
    assert vault.history.add(alice.id, synthetic_vectors(0), digest) is not None
    assert vault.history.add(alice.id, synthetic_vectors(1), digest) is None
    assert vault.history.add(bob.id, synthetic_vectors(0), digest) is not None
    assert vault.history.count(alice.id) == 1


def test_fingerprint_is_keyed_per_vault(tmp_path, vault):
    data = b"pixels"
    assert vault.fingerprint(data) != hashlib.sha256(data).digest()
    with Vault.create(tmp_path / "other", PASSPHRASE) as other:
        assert other.fingerprint(data) != vault.fingerprint(data)
    assert vault.fingerprint(data) == vault.fingerprint(data)


def test_profile_names_are_checked_and_unique(vault):
    vault.profiles.create("  Alice  ", "drc-mini")
    assert [p.name for p in vault.profiles.list()] == ["Alice"]
    with pytest.raises(InputError, match="already exists"):
        vault.profiles.create("Alice", "drc-mini")
    for bad in ("", "   ", "a\tb", "x" * 81):
        with pytest.raises(InputError, match="profile name"):
            vault.profiles.create(bad, "drc-mini")
    vault.profiles.create("Bob", "drc-mini")
    with pytest.raises(InputError, match="already exists"):
        vault.profiles.rename("Bob", "Alice")
    vault.profiles.rename("Bob", "Robert")
    with pytest.raises(InputError, match="no profile named 'Bob'"):
        vault.profiles.get("Bob")


def test_deleting_a_profile_removes_everything_derived_and_leaves_no_name(home, vault):
    secret_name = "Zebulon-Quartermaine"
    keep = fill(vault, "Keep")
    gone = fill(vault, secret_name)
    vault.profiles.delete(secret_name)
    vault.checkpoint()
    assert vault.history.count(gone) == 0
    assert vault.outputs.list(gone) == []
    assert vault.history.count(keep) == 3 and len(vault.outputs.list(keep)) == 1
    plain = home / "plain-copy.db"  # every live row and the schema, decrypted
    vault._db.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    vault._db.execute("SELECT sqlcipher_export('plain')").fetchall()
    vault._db.execute("DETACH DATABASE plain")
    assert b"Keep" in plain.read_bytes()
    assert secret_name.encode() not in plain.read_bytes()
    assert vault._db.execute("PRAGMA secure_delete").fetchone() == (1,)  # freed pages zeroed
    deleted = [e for e in vault.audit.entries() if e.event is AuditEvent.profile_deleted]
    assert [(e.profile_id, e.item_count) for e in deleted] == [(gone, 4)]
    assert Path(str(vault.path) + "-wal").stat().st_size == 0  # checkpointed, truncated


def test_audit_log_is_append_only(vault):
    fill(vault)
    with pytest.raises(Exception, match="append-only"):
        vault._db.execute("UPDATE audit_log SET event = 'x'")
    with pytest.raises(Exception, match="append-only"):
        vault._db.execute("DELETE FROM audit_log")
    assert [e.event for e in vault.audit.entries()][:2] == [
        AuditEvent.profile_created,
        AuditEvent.imported,
    ]


def test_remove_history_item_and_delete_outputs(vault):
    profile_id = fill(vault)
    first = vault.history.list(profile_id)[0]
    assert vault.history.remove(first.id) == profile_id
    with pytest.raises(InputError, match=f"no history item with id {first.id}"):
        vault.history.remove(first.id)
    (output,) = vault.outputs.list(profile_id)
    with pytest.raises(InputError, match="no output with id 999"):
        vault.outputs.delete([output.id, 999])
    assert len(vault.outputs.list(profile_id)) == 1  # all or nothing
    vault.outputs.delete([output.id])
    assert vault.outputs.list(profile_id) == []


def test_outputs_keep_png_and_full_request(vault):
    profile_id = fill(vault)
    (listed,) = vault.outputs.list(profile_id)
    assert listed.png is None
    stored = vault.outputs.get(listed.id)
    assert stored.png == b"\x89PNG fake"
    assert stored.request == GenerationRequest(profile_id=profile_id, seed=7)


def test_rekey_changes_the_passphrase_and_keeps_the_data(home, vault):
    fill(vault)
    vault.rekey("the new passphrase")
    vault.close()
    with pytest.raises(WrongPassphraseError):
        Vault.unlock(home, PASSPHRASE)
    with Vault.unlock(home, "the new passphrase") as reopened:
        assert reopened.info().history_items == 3
        reopened.verify()


def test_backup_and_restore_keep_the_current_vault_aside(home, vault, tmp_path):
    fill(vault, "Before")
    backup = tmp_path / "backup.drc"
    vault.backup(backup, BACKUP_PASSPHRASE)
    with pytest.raises(VaultError, match="file exists"):
        vault.backup(backup, BACKUP_PASSPHRASE)
    fill(vault, "After")
    vault.close()
    current = file_digests(home)["vault.db"]

    with pytest.raises(WrongPassphraseError):
        Vault.restore(home, backup, PASSPHRASE, "restored passphrase")
    assert file_digests(home)["vault.db"] == current

    moved = Vault.restore(home, backup, BACKUP_PASSPHRASE, "restored passphrase")
    assert hashlib.sha256(moved.read_bytes()).hexdigest() == current
    with Vault.unlock(home, "restored passphrase") as restored:
        assert [p.name for p in restored.profiles.list()] == ["Before"]
        assert restored.schema_version == SCHEMA_VERSION
    with _open_moved(moved) as old:
        assert sorted(p.name for p in old.profiles.list()) == ["After", "Before"]


def _open_moved(moved: Path) -> Vault:
    """The vault that restore moved aside, opened from a folder of its own."""
    aside = moved.parent / "aside"
    aside.mkdir()
    os.replace(moved, aside / "vault.db")
    return Vault.unlock(aside, PASSPHRASE)


def test_restore_is_refused_while_the_vault_is_open(home, vault, tmp_path):
    backup = tmp_path / "backup.drc"
    vault.backup(backup, BACKUP_PASSPHRASE)
    with pytest.raises(VaultError, match="has the vault open"):
        Vault.restore(home, backup, BACKUP_PASSPHRASE, PASSPHRASE)


def test_unclean_shutdown_triggers_full_checks(home, vault):
    fill(vault)
    vault.close()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    (home / SESSIONS_FOLDER / dead.stdout.strip()).touch()
    with Vault.unlock(home, PASSPHRASE) as reopened:
        assert reopened.checked_after_crash
    assert list((home / SESSIONS_FOLDER).iterdir()) == []
    with Vault.unlock(home, PASSPHRASE) as reopened:
        assert not reopened.checked_after_crash


def test_vault_from_a_newer_app_is_refused_unchanged(home, vault):
    vault._db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    vault.close()
    before = file_digests(home)
    with pytest.raises(VaultError, match="newer than this app"):
        Vault.unlock(home, PASSPHRASE)
    assert file_digests(home) == before


def test_data_home_follows_drc_home(monkeypatch, tmp_path):
    monkeypatch.setenv("DRC_HOME", str(tmp_path / "here"))
    assert location.data_home() == tmp_path / "here"
    monkeypatch.delenv("DRC_HOME")
    assert location.data_home().name == "drc-desktop"


def test_network_filesystem_gets_a_warning(monkeypatch, tmp_path):
    monkeypatch.setattr(location, "filesystem_type", lambda path: "nfs4")
    assert "network filesystem" in network_warning(tmp_path)
    monkeypatch.setattr(location, "filesystem_type", lambda path: "ext4")
    assert network_warning(tmp_path) is None


def test_every_deletion_empties_the_wal_by_itself(vault):
    wal = Path(str(vault.path) + "-wal")
    for delete in (
        lambda pid: vault.history.remove(vault.history.list(pid)[0].id),
        lambda pid: vault.outputs.delete([o.id for o in vault.outputs.list(pid)]),
        lambda pid: vault.profiles.delete(vault.profiles.get_by_id(pid).name),
    ):
        profile_id = fill(vault, f"P{wal.stat().st_size}-{len(vault.profiles.list())}")
        assert wal.stat().st_size > 0
        delete(profile_id)
        assert wal.stat().st_size == 0
