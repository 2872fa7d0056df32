"""The vault's versioned schema: forward migrations, one SQL script per version.

``MIGRATIONS[i]`` takes a vault from version ``i`` to ``i + 1`` (version 0 is an empty file);
the version lives in ``PRAGMA user_version``. A migration only ever adds: a vault of any
earlier version opens in a newer app and keeps every row (tested from each version). A vault
from a *newer* app is refused rather than guessed at.

Vectors are ``float32`` little-endian blobs with their shape in a text column (``"16x64"``).
No table holds pixels of imported images or their source paths; ``outputs.png`` holds the
generated images, which stay encrypted here until exported.
"""

from __future__ import annotations

import sqlcipher3

from drc_desktop.core.errors import VaultError
from drc_desktop.store.connection import Connection, schema_version, transaction

_VERSION_1 = """
CREATE TABLE vault_meta (
    key TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE history_items (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    features BLOB NOT NULL,
    features_shape TEXT NOT NULL,
    style BLOB NOT NULL,
    style_shape TEXT NOT NULL,
    semantics BLOB NOT NULL,
    semantics_shape TEXT NOT NULL,
    content_hash BLOB NOT NULL,
    imported_at TEXT NOT NULL,
    label TEXT,
    UNIQUE (profile_id, content_hash)
);
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    event TEXT NOT NULL,
    profile_id INTEGER,
    item_count INTEGER NOT NULL DEFAULT 0
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
"""

_VERSION_2 = """
CREATE TABLE outputs (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    png BLOB NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    request TEXT NOT NULL
);
CREATE INDEX outputs_by_profile ON outputs (profile_id);
-- the output a history item was added from (the feedback loop); kept when that output is
-- deleted, since the item's vectors stand on their own
ALTER TABLE history_items ADD COLUMN source_output_id INTEGER;
"""

_VERSION_3 = """
-- bring-your-own models (issue 4): where they are and the SHA-256 of every file, kept in the
-- vault because model paths are private too
CREATE TABLE models (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    architecture TEXT,
    path TEXT NOT NULL,
    manifest TEXT NOT NULL,
    details TEXT NOT NULL,
    ip_adapter TEXT,
    image_encoder TEXT,
    added_at TEXT NOT NULL
);
-- encoder features of semantic-preserving variants of the image, captured at import for
-- training (the image itself is gone afterwards)
ALTER TABLE history_items ADD COLUMN variants BLOB;
ALTER TABLE history_items ADD COLUMN variants_shape TEXT;
"""

_VERSION_4 = """
-- the learned DRC composition of a profile on a Stable Diffusion model (issue 4): small
-- towers + fusion weights (safetensors bytes), trained from the profile's stored features
CREATE TABLE profile_adapters (
    profile_id INTEGER PRIMARY KEY REFERENCES profiles(id) ON DELETE CASCADE,
    encoder TEXT NOT NULL,
    config TEXT NOT NULL,
    weights BLOB NOT NULL,
    report TEXT NOT NULL,
    trained_at TEXT NOT NULL
);
"""

_VERSION_5 = """
-- reproducible outputs (issue 11 §3): what the backend kept of the reference (its features as
-- safetensors bytes, never its pixels) and a SHA-256 of the history items used; the request
-- column now holds the resolved request (every default explicit, weight hashes)
ALTER TABLE outputs ADD COLUMN reference_features BLOB;
ALTER TABLE outputs ADD COLUMN history_digest TEXT;
"""

_VERSION_6 = """
-- sets of assets (issue 12 §2): one run over several references keeps its outputs together,
-- each output with the position of its reference in the set; outputs stored before have no
-- set (NULL). AUTOINCREMENT: the id of a deleted set is never given to another one.
CREATE TABLE output_sets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    reference_count INTEGER NOT NULL
);
ALTER TABLE outputs ADD COLUMN set_id INTEGER REFERENCES output_sets(id) ON DELETE SET NULL;
ALTER TABLE outputs ADD COLUMN set_position INTEGER;
CREATE INDEX outputs_by_set ON outputs (set_id);
"""

MIGRATIONS: tuple[str, ...] = (
    _VERSION_1, _VERSION_2, _VERSION_3, _VERSION_4, _VERSION_5, _VERSION_6,
)  # fmt: skip
SCHEMA_VERSION = len(MIGRATIONS)
"""The version this app writes; vaults of any earlier version are migrated forward."""


def check_version(version: int, name: str) -> None:
    """Refuse a vault written by a newer app (its tables may mean something else)."""
    if version > SCHEMA_VERSION:
        raise VaultError(
            f"{name}: the vault has schema version {version}, newer than this app's "
            f"{SCHEMA_VERSION}; update DRC Desktop to open it"
        )


def migrate(connection: Connection, target: int = SCHEMA_VERSION) -> int:
    """Apply the migrations from the vault's version up to ``target``, each in a transaction.

    Returns the version before migrating. DDL is transactional in SQLite, so a migration
    interrupted halfway leaves the vault at the previous version.
    """
    start = schema_version(connection)
    for version in range(start, target):
        with transaction(connection):
            for statement in _statements(MIGRATIONS[version]):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {version + 1}")
    return start


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own).

    Triggers contain ``;`` inside ``BEGIN ... END``, so statements are joined until SQLite
    says they are complete.
    """

    statements, pending = [], ""
    for line in script.splitlines():
        if line.strip().startswith("--") or not line.strip():
            continue
        pending += line + "\n"
        if sqlcipher3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        raise ValueError(f"incomplete statement in migration: {pending!r}")
    return statements
