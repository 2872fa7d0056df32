"""The ``outputs`` table: generated images with their resolved request, the reference's
features and the history digest (schema version 5), kept in sets of assets (``output_sets``,
schema version 6)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from drc_desktop.core.errors import InputError
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.store.audit import checkpoint, now, record
from drc_desktop.store.connection import Connection, transaction
from drc_desktop.store.records import AuditEvent, Output

_COLUMNS = (
    "id, profile_id, created_at, width, height, request, history_digest, set_id, set_position"
)


@dataclass(frozen=True)
class NewOutput:
    """One image to store: PNG bytes and size, with the request that made it."""

    png: bytes
    width: int
    height: int
    request: GenerationRequest


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
        set_id: int | None = None,
        set_position: int | None = None,
    ) -> int:
        """Store one output with its request, the reference's features and the history
        digest (see ``Output``); returns its id."""
        (output_id,) = self.add_many(
            [NewOutput(png, width, height, request)],
            reference_features=reference_features, history_digest=history_digest,
            set_id=set_id, set_position=set_position,
        )  # fmt: skip
        return output_id

    def add_many(
        self,
        outputs: Iterable[NewOutput],
        *,
        reference_features: bytes | None = None,
        history_digest: str | None = None,
        set_id: int | None = None,
        set_position: int | None = None,
    ) -> list[int]:
        """Store the outputs of one reference in one transaction (all or none: no batch is
        ever half stored); returns their ids in order."""
        ids = []
        with transaction(self._db):
            for output in outputs:
                cursor = self._db.execute(
                    "INSERT INTO outputs (profile_id, created_at, png, width, height, request,"
                    " reference_features, history_digest, set_id, set_position)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        output.request.profile_id, now(), output.png, output.width,
                        output.height, output.request.to_json(), reference_features,
                        history_digest, set_id, set_position,
                    ),
                )  # fmt: skip
                record(self._db, AuditEvent.generated, output.request.profile_id, 1)
                ids.append(cursor.lastrowid)
        return ids

    def create_set(self, profile_id: int, reference_count: int) -> int:
        """A new, empty set of assets for ``reference_count`` references; returns its id."""
        with transaction(self._db):
            cursor = self._db.execute(
                "INSERT INTO output_sets (profile_id, created_at, reference_count)"
                " VALUES (?, ?, ?)",
                (profile_id, now(), reference_count),
            )
            return cursor.lastrowid

    def set_size(self, set_id: int) -> int:
        """How many references set ``set_id`` was made for (InputError for an unknown id)."""
        row = self._db.execute(
            "SELECT reference_count FROM output_sets WHERE id = ?", (set_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"no set with id {set_id} (see `drc outputs list`)")
        return row[0]

    def drop_set_if_empty(self, set_id: int) -> None:
        """Delete set ``set_id`` when no output belongs to it (a run that stopped before its
        first reference was stored). Sets whose outputs were deleted are kept: an undo puts
        the outputs back into them."""
        with transaction(self._db):
            self._db.execute(
                "DELETE FROM output_sets WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM outputs WHERE set_id = ?)",
                (set_id, set_id),
            )

    def list(self, profile_id: int | None = None, *, with_png: bool = False) -> list[Output]:
        """Outputs oldest first (of one profile, or all); PNG bytes only with ``with_png``."""
        query = f"SELECT {_COLUMNS}{', png' * with_png} FROM outputs"
        if profile_id is None:
            rows = self._db.execute(query + " ORDER BY id")
        else:
            rows = self._db.execute(query + " WHERE profile_id = ? ORDER BY id", (profile_id,))
        return [_output(row, with_png) for row in rows]

    def in_set(self, set_id: int) -> list[Output]:
        """The outputs of a set with their PNG bytes, by reference position, then id.

        Raises InputError for an unknown set or one with no output left."""
        rows = self._db.execute(
            f"SELECT {_COLUMNS}, png FROM outputs WHERE set_id = ? ORDER BY set_position, id",
            (set_id,),
        ).fetchall()
        if not rows:
            raise InputError(f"no set with id {set_id} (see `drc outputs list`)")
        return [_output(row, True) for row in rows]

    def get(self, output_id: int) -> Output:
        """The output with its PNG bytes. Raises InputError for an unknown id."""
        row = self._db.execute(
            f"SELECT {_COLUMNS}, png, reference_features FROM outputs WHERE id = ?",
            (output_id,),
        ).fetchone()
        if row is None:
            raise InputError(f"no output with id {output_id} (see `drc outputs list`)")
        return _output(row, True, True)

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


def _output(row: tuple, with_png: bool = False, with_features: bool = False) -> Output:
    output_id, profile_id, created_at, width, height, request, digest, set_id, position = row[:9]
    png = row[9] if with_png else None
    features = row[10] if with_features else None
    return Output(
        output_id, profile_id, created_at, width, height, GenerationRequest.from_json(request),
        png, features, digest, set_id, position,
    )  # fmt: skip
