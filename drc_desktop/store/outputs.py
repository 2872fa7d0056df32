"""The ``outputs`` table: generated images with their resolved request, the reference's
features and the history digest (schema version 5)."""

from __future__ import annotations

from collections.abc import Iterable

from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.store.audit import checkpoint, now, record
from drc_desktop.store.connection import Connection, transaction
from drc_desktop.store.records import AuditEvent, Output


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


def _output(row: tuple) -> Output:
    output_id, profile_id, created_at, width, height, request, digest = row[:7]
    png = row[7] if len(row) > 7 else None
    features = row[8] if len(row) > 8 else None
    return Output(
        output_id, profile_id, created_at, width, height, GenerationRequest.from_json(request),
        png, features, digest,
    )  # fmt: skip
