"""The ``profiles`` table: found by name for people and by id everywhere else."""

from __future__ import annotations

import unicodedata

from drc_desktop.core.errors import InputError
from drc_desktop.store.audit import checkpoint, now, record
from drc_desktop.store.connection import Connection, DatabaseError, transaction
from drc_desktop.store.records import AuditEvent, Profile

MAX_PROFILE_NAME = 80


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
