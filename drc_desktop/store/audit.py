"""The append-only audit log, and what every repository's changes share: timestamps,
the audit entry written in the change's transaction, the WAL checkpoint after deletions."""

from __future__ import annotations

import datetime as dt

from drc_desktop.store.connection import Connection, transaction
from drc_desktop.store.records import AuditEntry, AuditEvent


def now() -> str:
    """UTC time to the second, ISO 8601 (``2026-11-27T15:04:05Z``)."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
