"""Issue 13 §2: no new passphrase in SQLCipher's raw-key forms; the data folder's mode kept."""

from __future__ import annotations

import os
import stat

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from drc_desktop.core.errors import InputError
from drc_desktop.store import connection as sql
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.sessions import SESSIONS_FOLDER
from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE

RAW_KEYS = (
    "X'" + "AB" * 32 + "'",  # upper-case x: SQLCipher compares "x'" without case
    "x'" + "ab" * 32 + "'",
    "X'" + "0f" * 48 + "'",  # key and salt
    "x'" + "Cd" * 48 + "'",
)


@pytest.mark.parametrize("raw", RAW_KEYS)
def test_every_new_passphrase_refuses_raw_key_forms(raw, home, tmp_path):
    with pytest.raises(InputError, match="raw-key"):
        Vault.create(home, raw)
    assert not home.exists() or not (home / VAULT_FILE).exists()
    with Vault.create(home, PASSPHRASE) as vault:
        with pytest.raises(InputError, match="raw-key"):
            vault.rekey(raw)
        with pytest.raises(InputError, match="raw-key"):
            vault.backup(tmp_path / "b.drc", raw)
        vault.backup(tmp_path / "b.drc", "a fine backup passphrase")
    with pytest.raises(InputError, match="raw-key"):
        Vault.restore(home, tmp_path / "b.drc", "a fine backup passphrase", raw)
    with Vault.unlock(home, PASSPHRASE) as vault:
        assert vault.notes == []


@settings(max_examples=200, deadline=None)
@given(
    key=st.one_of(
        st.sampled_from([64, 96]).flatmap(
            lambda n: st.text(alphabet="0123456789abcdefABCDEF", min_size=n, max_size=n)
        ),
        st.text(alphabet="0123456789abcdefABCDEF", min_size=6),
    ),
    x=st.sampled_from("xX"),
)
def test_raw_key_guard_is_case_insensitive(key, x):
    with pytest.raises(InputError, match="raw-key"):
        sql.check_new_passphrase(f"{x}'{key}'")


def test_a_vault_made_with_a_raw_key_passphrase_still_unlocks_and_says_to_change_it(home):
    raw = "X'" + "5A" * 32 + "'"
    with Vault.create(home, PASSPHRASE) as vault:
        vault._db.execute(f"PRAGMA rekey = {sql.quote_passphrase(raw)}")  # as an old app did
    with Vault.unlock(home, raw) as vault:
        assert any("drc vault passwd" in note for note in vault.notes), vault.notes
        assert "raw key" in vault.info().cipher
        vault.rekey("a proper passphrase now")
    with Vault.unlock(home, "a proper passphrase now") as vault:
        assert vault.notes == []
        assert "PBKDF2" in vault.info().cipher


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_init_leaves_an_existing_data_folder_as_it_is(tmp_path):
    home = tmp_path / "shared"
    home.mkdir()
    os.chmod(home, 0o1777)
    with Vault.create(home, PASSPHRASE) as vault:
        vault.backup(tmp_path / "b.drc", "a fine backup passphrase")
    Vault.restore(home, tmp_path / "b.drc", "a fine backup passphrase", PASSPHRASE)
    assert stat.S_IMODE(home.stat().st_mode) == 0o1777
    assert stat.S_IMODE((home / SESSIONS_FOLDER).stat().st_mode) == 0o700
    for path in home.iterdir():
        if path.is_file():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE((tmp_path / "b.drc").stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_folders_the_app_creates_are_owner_only(tmp_path):
    home = tmp_path / "new" / "deeper" / "home"
    Vault.create(home, PASSPHRASE).close()
    for folder in (tmp_path / "new", tmp_path / "new" / "deeper", home):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
