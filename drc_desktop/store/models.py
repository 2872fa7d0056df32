"""The ``models`` table: registered bring-your-own models (paths and manifests)."""

from __future__ import annotations

import json

from drc_desktop.core.errors import InputError
from drc_desktop.store.audit import checkpoint, record
from drc_desktop.store.connection import Connection, DatabaseError, transaction
from drc_desktop.store.records import AuditEvent, RegisteredModel


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


def _model(row: tuple) -> RegisteredModel:
    name, kind, architecture, path, manifest, details, added_at, ip_adapter, encoder = row
    return RegisteredModel(
        name, kind, architecture, path, json.loads(manifest), json.loads(details), added_at,
        ip_adapter, encoder,
    )  # fmt: skip
