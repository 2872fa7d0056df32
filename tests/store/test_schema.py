"""Forward migrations: a vault of every earlier schema version opens and keeps its rows."""

from __future__ import annotations

import os

import pytest

from drc_desktop.store import connection as sql
from drc_desktop.store.location import VAULT_FILE
from drc_desktop.store.schema import MIGRATIONS, SCHEMA_VERSION, _statements, migrate
from drc_desktop.store.vault import Vault

from .conftest import PASSPHRASE, synthetic_vectors

# Rows as an app of that version wrote them (columns of later versions do not exist yet).
ROWS_OF_VERSION = {
    1: [
        "INSERT INTO vault_meta VALUES ('fingerprint_key', x'00112233')",
        "INSERT INTO profiles VALUES (1, 'Old', 'drc-mini', '2026-01-01T00:00:00Z')",
        "INSERT INTO history_items (id, profile_id, encoder, features, features_shape, style,"
        " style_shape, semantics, semantics_shape, content_hash, imported_at, label)"
        " VALUES (1, 1, 'enc@1', :features, '16x64', :style, '16x64', :semantics, '16x64',"
        " x'aa', '2026-01-01T00:00:00Z', 'kept label')",
        "INSERT INTO audit_log (at, event, profile_id, item_count)"
        " VALUES ('2026-01-01T00:00:00Z', 'imported', 1, 1)",
    ],
    2: [
        "INSERT INTO outputs (id, profile_id, created_at, png, width, height, request)"
        " VALUES (1, 1, '2026-01-02T00:00:00Z', x'89504e47', 64, 64,"
        ' \'{"profile_id": 1, "seed": 5}\')',
    ],
    3: [
        "INSERT INTO models (name, kind, architecture, path, manifest, details, added_at)"
        " VALUES ('sd', 'diffusers', 'sd15', '/models/sd', '{}', '{}', '2026-01-03T00:00:00Z')",
    ],
    4: [
        "INSERT INTO profile_adapters VALUES"
        " (1, 'enc@1', '{}', x'00', '{}', '2026-01-04T00:00:00Z')",
    ],
    5: [
        "INSERT INTO outputs VALUES (2, 1, '2026-01-05T00:00:00Z', x'89504e47', 64, 64,"
        " '{\"profile_id\": 1, \"seed\": 6, \"steps\": 20}', x'0102', 'abc')",
    ],
    6: [
        "INSERT INTO output_sets VALUES (1, 1, '2026-01-06T00:00:00Z', 2)",
        "INSERT INTO outputs VALUES (3, 1, '2026-01-06T00:00:00Z', x'89504e47', 64, 64,"
        ' \'{"profile_id": 1, "seed": 7}\', NULL, NULL, 1, 1)',
    ],
}


def test_every_version_has_rows_to_migrate():
    assert sorted(ROWS_OF_VERSION) == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_vault_of_every_earlier_version_migrates_without_losing_rows(tmp_path, start):
    home = tmp_path / "home"
    home.mkdir()
    path = home / VAULT_FILE
    vectors = synthetic_vectors(0)
    blobs = {
        "features": vectors.features.astype("<f4").tobytes(),
        "style": vectors.style.astype("<f4").tobytes(),
        "semantics": vectors.semantics.astype("<f4").tobytes(),
    }
    connection = sql.open_keyed(path, PASSPHRASE, create=True)
    sql.apply_pragmas(connection)
    migrate(connection, target=start)
    for version in range(1, start + 1):
        for statement in ROWS_OF_VERSION[version]:
            connection.execute(statement, blobs if ":features" in statement else ())
    connection.close()

    with Vault.unlock(home, PASSPHRASE) as vault:
        assert vault.schema_version == SCHEMA_VERSION
        vault.verify()
        if start >= 1:
            (profile,) = vault.profiles.list()
            (item,) = vault.history.list(profile.id)
            assert (profile.name, item.label, item.source_output_id) == ("Old", "kept label", None)
            assert (item.vectors.features == vectors.features).all()
        if start >= 2:
            old = vault.outputs.get(1)
            assert old.request.seed == 5
            assert (old.reference_features, old.history_digest) == (None, None)
            assert "steps" in old.request.not_recorded()  # shown as "not recorded"
        if start >= 3:
            assert vault.models.get("sd").architecture == "sd15"
        if start >= 4:
            assert vault.profile_adapters.get(1).encoder == "enc@1"
        if start >= 2:  # outputs made before sets of assets belong to none
            assert (vault.outputs.get(1).set_id, vault.outputs.get(1).set_position) == (None, None)
        # the migrated vault works like a new one
        profile = vault.profiles.create("New", "drc-mini")
        vault.history.add(profile.id, vectors, vault.fingerprint(b"n"))


def test_interrupted_migration_leaves_the_previous_version(tmp_path, monkeypatch):
    path = tmp_path / VAULT_FILE
    connection = sql.open_keyed(path, PASSPHRASE, create=True)
    sql.apply_pragmas(connection)
    migrate(connection, target=1)
    broken = (*MIGRATIONS[:1], MIGRATIONS[1] + "\nCREATE TABLE profiles (x);\n")
    monkeypatch.setattr("drc_desktop.store.schema.MIGRATIONS", broken)
    with pytest.raises(sql.DatabaseError):
        migrate(connection, target=2)
    assert sql.schema_version(connection) == 1
    tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert "outputs" not in tables
    connection.close()
    assert os.path.getsize(path) > 0


def test_migration_scripts_split_into_complete_statements():
    for script in MIGRATIONS:
        statements = _statements(script)
        assert statements and all(s.rstrip().endswith(";") for s in statements)
    assert any(s.startswith("CREATE TRIGGER") for s in _statements(MIGRATIONS[0]))
