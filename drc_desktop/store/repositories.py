"""Reading and writing the vault's rows: profiles, history items, outputs, the audit log.

Every change is one ``BEGIN IMMEDIATE`` transaction together with its audit entry, so a crash
leaves either both or neither. Profiles are found by name for people and by id everywhere
else; the audit log refers to profiles by id only, so deleting a profile leaves no name
behind.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Iterable

import numpy as np

from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors, array_to_blob, blob_to_array
from drc_desktop.store.connection import Connection, DatabaseError, transaction
from drc_desktop.store.records import (
    AuditEntry,
    AuditEvent,
    HistoryItem,
    Output,
    Profile,
    RegisteredModel,
    StoredProfileAdapter,
)

MAX_PROFILE_NAME = 80


def now() -> str:
    """UTC time to the second, ISO 8601 (``2026-11-27T15:04:05Z``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_profile_name(name: str) -> str:
    """The name with surrounding spaces removed.

    Raises:
        InputError: empty, longer than ``MAX_PROFILE_NAME``, or holding control characters.
    """
    cleaned = name.strip()
    if not cleaned:
        raise InputError("profile name is empty")
    if len(cleaned) > MAX_PROFILE_NAME:
        raise InputError(f"profile name is longer than {MAX_PROFILE_NAME} characters")
    if any(unicodedata.category(char).startswith("C") for char in cleaned):
        raise InputError(f"profile name {cleaned!r} contains control characters")
    return cleaned


def checkpoint(connection: Connection) -> None:
    """Move the WAL's pages into the main file and empty it, so deleted rows do not linger
    there (DESIGN.md §4). Every deletion below ends with it."""
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def record(
    connection: Connection, event: AuditEvent, profile_id: int | None, count: int = 0
) -> None:
    """Append one audit entry (call inside the transaction of the change it records)."""
    connection.execute(
        "INSERT INTO audit_log (at, event, profile_id, item_count) VALUES (?, ?, ?, ?)",
        (now(), event.value, profile_id, count),
    )


class ProfileRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def create(self, name: str, model: str) -> Profile:
        """Raises InputError when the name is invalid or taken."""
        name = check_profile_name(name)
        try:
            with transaction(self._db):
                cursor = self._db.execute(
                    "INSERT INTO profiles (name, model, created_at) VALUES (?, ?, ?)",
                    (name, model, now()),
                )
                record(self._db, AuditEvent.profile_created, cursor.lastrowid)
        except DatabaseError as exc:
            if "UNIQUE" in str(exc):
                raise InputError(f"a profile named {name!r} already exists") from None
            raise
        return self.get(name)

    def list(self) -> list[Profile]:
        rows = self._db.execute(
            "SELECT p.id, p.name, p.model, p.created_at,"
            " (SELECT count(*) FROM history_items h WHERE h.profile_id = p.id),"
            " (SELECT count(*) FROM outputs o WHERE o.profile_id = p.id)"
            " FROM profiles p ORDER BY p.name COLLATE NOCASE, p.id"
        )
        return [Profile(*row) for row in rows]

    def get(self, name: str) -> Profile:
        """Raises InputError naming the profile when there is none of that name."""
        for profile in self.list():
            if profile.name == name.strip():
                return profile
        raise InputError(f"no profile named {name.strip()!r} (see `drc profile list`)")

    def get_by_id(self, profile_id: int) -> Profile:
        for profile in self.list():
            if profile.id == profile_id:
                return profile
        raise InputError(f"no profile with id {profile_id}")

    def rename(self, old: str, new: str) -> Profile:
        profile = self.get(old)
        new = check_profile_name(new)
        try:
            with transaction(self._db):
                self._db.execute("UPDATE profiles SET name = ? WHERE id = ?", (new, profile.id))
                record(self._db, AuditEvent.profile_renamed, profile.id)
        except DatabaseError as exc:
            if "UNIQUE" in str(exc):
                raise InputError(f"a profile named {new!r} already exists") from None
            raise
        return self.get(new)

    def delete(self, name: str) -> Profile:
        """Delete the profile with its history items and outputs (cascade); returns what was
        deleted, counts included."""
        profile = self.get(name)
        with transaction(self._db):
            self._db.execute("DELETE FROM profiles WHERE id = ?", (profile.id,))
            count = profile.history_count + profile.output_count
            record(self._db, AuditEvent.profile_deleted, profile.id, count)
        checkpoint(self._db)
        return profile


class HistoryRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self,
        profile_id: int,
        vectors: ImageVectors,
        content_hash: bytes,
        *,
        label: str | None = None,
        source_output_id: int | None = None,
        event: AuditEvent = AuditEvent.imported,
    ) -> int | None:
        """Store one image's vectors; returns the new item's id, or None when the profile
        already holds an item with this content hash (a duplicate: nothing is written)."""
        features, features_shape = array_to_blob(vectors.features)
        style, style_shape = array_to_blob(vectors.style)
        semantics, semantics_shape = array_to_blob(vectors.semantics)
        variants, variants_shape = (
            (None, None) if vectors.variants is None else array_to_blob(vectors.variants)
        )
        with transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO history_items (profile_id, encoder, features, features_shape,"
                " style, style_shape, semantics, semantics_shape, variants, variants_shape,"
                " content_hash, imported_at, label, source_output_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (profile_id, content_hash) DO NOTHING",
                (
                    profile_id, vectors.encoder, features, features_shape, style, style_shape,
                    semantics, semantics_shape, variants, variants_shape, content_hash, now(),
                    label, source_output_id,
                ),
            )  # fmt: skip
            if cursor.rowcount == 0:
                return None
            record(self._db, event, profile_id, 1)
            return cursor.lastrowid

    def list(self, profile_id: int) -> list[HistoryItem]:
        rows = self._db.execute(
            "SELECT id, profile_id, encoder, features, features_shape, style, style_shape,"
            " semantics, semantics_shape, variants, variants_shape, imported_at, label,"
            " source_output_id FROM history_items WHERE profile_id = ? ORDER BY id",
            (profile_id,),
        )
        return [_history_item(row) for row in rows]

    def features(self, profile_id: int) -> tuple[set[str], np.ndarray | None]:
        """The encoders used and the stacked features ``[N, T, D]`` of a profile's history
        in import order (None when it is empty). Loads only the features column."""
        rows = self._db.execute(
            "SELECT encoder, features, features_shape FROM history_items"
            " WHERE profile_id = ? ORDER BY id",
            (profile_id,),
        ).fetchall()
        if not rows:
            return set(), None
        encoders = {row[0] for row in rows}
        shapes = {row[2] for row in rows}
        if len(shapes) > 1:
            return encoders, None
        return encoders, np.stack([blob_to_array(row[1], row[2]) for row in rows])

    def encoders(self, profile_id: int) -> set[str]:
        """The encoders that made a profile's history items (no vector is read)."""
        query = "SELECT DISTINCT encoder FROM history_items WHERE profile_id = ?"
        return {row[0] for row in self._db.execute(query, (profile_id,))}

    def content_hash(self, item_id: int) -> bytes | None:
        """The item's de-duplication hash (the GUI's undo puts a removed item back with it)."""
        row = self._db.execute("SELECT content_hash FROM history_items WHERE id = ?", (item_id,))
        return (row.fetchone() or (None,))[0]

    def count(self, profile_id: int) -> int:
        query = "SELECT count(*) FROM history_items WHERE profile_id = ?"
        return self._db.execute(query, (profile_id,)).fetchone()[0]

    def remove(self, item_id: int) -> int:
        """Delete one item; returns its profile's id. Raises InputError for an unknown id."""
        with transaction(self._db):
            row = self._db.execute(
                "SELECT profile_id FROM history_items WHERE id = ?", (item_id,)
            ).fetchone()
            if row is None:
                raise InputError(f"no history item with id {item_id} (see `drc history list`)")
            self._db.execute("DELETE FROM history_items WHERE id = ?", (item_id,))
            record(self._db, AuditEvent.history_removed, row[0], 1)
        checkpoint(self._db)
        return row[0]


class OutputRepository:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(
        self,
        png: bytes,
        width: int,
        height: int,
        request: GenerationRequest,
        *,
        reference_features: bytes | None = None,
        history_digest: str | None = None,
    ) -> int:
        """Store one output with its request, the reference's features and the history
        digest (see ``Output``); returns its id."""
        with transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO outputs (profile_id, created_at, png, width, height, request,"
                " reference_features, history_digest) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    request.profile_id, now(), png, width, height, request.to_json(),
                    reference_features, history_digest,
                ),
            )  # fmt: skip
            record(self._db, AuditEvent.generated, request.profile_id, 1)
            return cursor.lastrowid

    def list(self, profile_id: int | None = None, *, with_png: bool = False) -> list[Output]:
        """Outputs oldest first (of one profile, or all); PNG bytes only with ``with_png``."""
        columns = "id, profile_id, created_at, width, height, request, history_digest"
        columns += ", png" * with_png
        query = f"SELECT {columns} FROM outputs"
        if profile_id is None:
            rows = self._db.execute(query + " ORDER BY id")
        else:
            rows = self._db.execute(query + " WHERE profile_id = ? ORDER BY id", (profile_id,))
        return [_output(row) for row in rows]

    def get(self, output_id: int) -> Output:
        """The output with its PNG bytes. Raises InputError for an unknown id."""
        row = self._db.execute(
            "SELECT id, profile_id, created_at, width, height, request, history_digest, png,"
            " reference_features FROM outputs WHERE id = ?",
            (output_id,),
        ).fetchone()
        if row is None:
            raise InputError(f"no output with id {output_id} (see `drc outputs list`)")
        return _output(row)

    def delete(self, output_ids: Iterable[int]) -> None:
        """Delete outputs; all or nothing (an unknown id deletes none)."""
        with transaction(self._db):
            for output_id in output_ids:
                row = self._db.execute(
                    "SELECT profile_id FROM outputs WHERE id = ?", (output_id,)
                ).fetchone()
                if row is None:
                    raise InputError(f"no output with id {output_id} (see `drc outputs list`)")
                self._db.execute("DELETE FROM outputs WHERE id = ?", (output_id,))
                record(self._db, AuditEvent.output_deleted, row[0], 1)
        checkpoint(self._db)

    def record_export(self, outputs: Iterable[Output]) -> None:
        with transaction(self._db):
            for output in outputs:
                record(self._db, AuditEvent.exported, output.profile_id, 1)


class ModelRepository:
    """The registry of bring-your-own models (paths and manifests stay in the vault)."""

    _COLUMNS = (
        "name, kind, architecture, path, manifest, details, added_at, ip_adapter, image_encoder"
    )

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def add(self, model: RegisteredModel) -> RegisteredModel:
        """Raises InputError when the name is taken."""
        try:
            with transaction(self._db):
                self._db.execute(
                    f"INSERT INTO models ({self._COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        model.name, model.kind, model.architecture, model.path,
                        json.dumps(model.manifest, sort_keys=True),
                        json.dumps(model.details, sort_keys=True), model.added_at,
                        model.ip_adapter, model.image_encoder,
                    ),
                )  # fmt: skip
                record(self._db, AuditEvent.model_added, None)
        except DatabaseError as exc:
            if "UNIQUE" in str(exc):
                raise InputError(f"a model named {model.name!r} is already registered") from None
            raise
        return self.get(model.name)

    def list(self) -> list[RegisteredModel]:
        rows = self._db.execute(f"SELECT {self._COLUMNS} FROM models ORDER BY name")
        return [_model(row) for row in rows]

    def get(self, name: str) -> RegisteredModel:
        row = self._db.execute(
            f"SELECT {self._COLUMNS} FROM models WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise InputError(f"no model named {name!r} (see `drc models list`)")
        return _model(row)

    def set_links(self, name: str, ip_adapter: str | None, image_encoder: str | None) -> None:
        with transaction(self._db):
            self._db.execute(
                "UPDATE models SET ip_adapter = ?, image_encoder = ? WHERE name = ?",
                (ip_adapter, image_encoder, name),
            )

    def remove(self, name: str) -> None:
        """Raises InputError when the model is unknown, a profile uses it, or a registered
        pipeline links to it."""
        self.get(name)
        users = [
            r[0] for r in self._db.execute("SELECT name FROM profiles WHERE model = ?", (name,))
        ]
        if users:
            raise InputError(
                f"model {name!r} is used by profile{'s' * (len(users) > 1)} "
                f"{', '.join(repr(u) for u in users)}; delete those first"
            )
        linked = [
            r[0]
            for r in self._db.execute(
                "SELECT name FROM models WHERE ip_adapter = ? OR image_encoder = ?", (name, name)
            )
        ]
        if linked:
            raise InputError(f"model {name!r} is linked to {', '.join(map(repr, linked))}")
        with transaction(self._db):
            self._db.execute("DELETE FROM models WHERE name = ?", (name,))
            record(self._db, AuditEvent.model_removed, None)
        checkpoint(self._db)


class ProfileAdapterRepository:
    """One learned composition per profile (replaced when retrained)."""

    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def save(self, adapter: StoredProfileAdapter) -> None:
        with transaction(self._db):
            self._db.execute(
                "INSERT OR REPLACE INTO profile_adapters"
                " (profile_id, encoder, config, weights, report, trained_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    adapter.profile_id, adapter.encoder, json.dumps(adapter.config),
                    adapter.weights, json.dumps(adapter.report), adapter.trained_at,
                ),
            )  # fmt: skip
            record(self._db, AuditEvent.adapter_trained, adapter.profile_id)

    def get(self, profile_id: int) -> StoredProfileAdapter | None:
        row = self._db.execute(
            "SELECT profile_id, encoder, config, weights, report, trained_at"
            " FROM profile_adapters WHERE profile_id = ?",
            (profile_id,),
        ).fetchone()
        if row is None:
            return None
        profile, encoder, config, weights, report, trained_at = row
        return StoredProfileAdapter(
            profile, encoder, json.loads(config), weights, json.loads(report), trained_at
        )


class AuditLog:
    def __init__(self, connection: Connection) -> None:
        self._db = connection

    def record(self, event: AuditEvent, profile_id: int | None = None, count: int = 0) -> None:
        with transaction(self._db):
            record(self._db, event, profile_id, count)

    def entries(self) -> list[AuditEntry]:
        rows = self._db.execute(
            "SELECT id, at, event, profile_id, item_count FROM audit_log ORDER BY id"
        )
        return [AuditEntry(id_, at, AuditEvent(event), pid, n) for id_, at, event, pid, n in rows]


def _history_item(row: tuple) -> HistoryItem:
    (item_id, profile_id, encoder, features, f_shape, style, s_shape, semantics, m_shape,
     variants, v_shape, imported_at, label, source_output_id) = row  # fmt: skip
    vectors = ImageVectors(
        encoder,
        blob_to_array(features, f_shape),
        blob_to_array(style, s_shape),
        blob_to_array(semantics, m_shape),
        None if variants is None else blob_to_array(variants, v_shape),
    )
    return HistoryItem(item_id, profile_id, vectors, imported_at, label, source_output_id)


def _model(row: tuple) -> RegisteredModel:
    name, kind, architecture, path, manifest, details, added_at, ip_adapter, encoder = row
    return RegisteredModel(
        name, kind, architecture, path, json.loads(manifest), json.loads(details), added_at,
        ip_adapter, encoder,
    )  # fmt: skip


def _output(row: tuple) -> Output:
    output_id, profile_id, created_at, width, height, request, digest = row[:7]
    png = row[7] if len(row) > 7 else None
    features = row[8] if len(row) > 8 else None
    return Output(
        output_id, profile_id, created_at, width, height, GenerationRequest.from_json(request),
        png, features, digest,
    )  # fmt: skip
