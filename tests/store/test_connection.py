from __future__ import annotations

import pytest

from drc_desktop.core.errors import InputError, WrongPassphraseError
from drc_desktop.store.connection import (
    MIN_PASSPHRASE_LENGTH,
    check_new_passphrase,
    quote_passphrase,
)
from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE

AWKWARD_PASSPHRASES = [
    "it's a 'quoted' passphrase",
    "'; DROP TABLE profiles; --",
    'double "quotes" and \\ backslash',
    "ünïcødé pässwörd",
    "合言葉はひみつです",
    "emoji 🔑🔒 key",
    "  spaces around  ",
]


@pytest.mark.parametrize("passphrase", AWKWARD_PASSPHRASES)
def test_passphrases_with_quotes_and_non_ascii_open_only_their_vault(tmp_path, passphrase):
    home = tmp_path / "home"
    with Vault.create(home, passphrase) as vault:
        vault.profiles.create("p", "drc-mini")
    with Vault.unlock(home, passphrase) as vault:
        assert [p.name for p in vault.profiles.list()] == ["p"]
    for near_miss in (passphrase.strip() + "x", passphrase.upper() + "!", passphrase[:-1]):
        if near_miss != passphrase:
            with pytest.raises(WrongPassphraseError):
                Vault.unlock(home, near_miss)


def test_quoting_doubles_single_quotes():
    assert quote_passphrase("a'b") == "'a''b'"


@pytest.mark.parametrize(
    ("passphrase", "message"),
    [
        ("", "empty"),
        ("abc\x00defghij", "NUL"),
        ("x'" + "00" * 32 + "'", "raw-key"),
    ],
)
def test_unusable_passphrases_are_refused(passphrase, message):
    with pytest.raises(InputError, match=message):
        check_new_passphrase(passphrase)


def test_new_passphrase_needs_minimum_length(tmp_path):
    with pytest.raises(InputError, match=f"at least {MIN_PASSPHRASE_LENGTH}"):
        check_new_passphrase("a" * (MIN_PASSPHRASE_LENGTH - 1))
    with pytest.raises(InputError, match="too short"):
        Vault.create(tmp_path / "home", "short")
    assert not (tmp_path / "home" / "vault.db").exists()
    check_new_passphrase(PASSPHRASE)


def test_vault_uses_sqlcipher_4_defaults(vault):
    info = vault.info()
    assert info.sqlcipher_version.startswith("4.")
    assert info.cipher == "AES-256-CBC, HMAC_SHA512, PBKDF2_HMAC_SHA512 x 256000"
