"""The ``profile_adapters`` table: one learned composition per profile."""

from __future__ import annotations

import json

from drc_desktop.store.audit import record
from drc_desktop.store.connection import Connection, transaction
from drc_desktop.store.records import AuditEvent, StoredProfileAdapter


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
