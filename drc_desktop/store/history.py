"""The ``history_items`` table: one imported image's vectors per row, never its pixels."""

from __future__ import annotations

import numpy as np

from drc_desktop.core.errors import InputError
from drc_desktop.core.vectors import ImageVectors, array_to_blob, blob_to_array
from drc_desktop.store.audit import checkpoint, now, record
from drc_desktop.store.connection import Connection, transaction
from drc_desktop.store.records import AuditEvent, HistoryItem


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
