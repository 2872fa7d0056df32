"""Reading and writing the vault's rows, one module per table (this module re-exports them).

Every change is one ``BEGIN IMMEDIATE`` transaction together with its audit entry, so a crash
leaves either both or neither. Profiles are found by name for people and by id everywhere
else; the audit log refers to profiles by id only, so deleting a profile leaves no name
behind. ``profiles``, ``history``, ``outputs``, ``models``, ``profile_adapters`` and
``audit`` hold the repositories.
"""

from __future__ import annotations

from drc_desktop.store.audit import AuditLog, checkpoint, now, record
from drc_desktop.store.history import HistoryRepository
from drc_desktop.store.models import ModelRepository
from drc_desktop.store.outputs import OutputRepository
from drc_desktop.store.profile_adapters import ProfileAdapterRepository
from drc_desktop.store.profiles import MAX_PROFILE_NAME, ProfileRepository, check_profile_name

__all__ = [
    "MAX_PROFILE_NAME", "AuditLog", "HistoryRepository", "ModelRepository", "OutputRepository",
    "ProfileAdapterRepository", "ProfileRepository", "check_profile_name", "checkpoint", "now",
    "record",
]  # fmt: skip
