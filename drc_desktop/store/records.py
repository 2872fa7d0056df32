"""The rows of the vault as dataclasses (what ``repositories`` returns).

``RegisteredModel`` lives in ``core.registrations`` (``ml/`` reads it too) and is re-exported
here.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drc_desktop.core.registrations import RegisteredModel
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors

__all__ = [
    "AuditEntry", "AuditEvent", "HistoryItem", "Output", "Profile", "RegisteredModel",
    "StoredProfileAdapter",
]  # fmt: skip


class AuditEvent(StrEnum):
    """What the append-only audit log records; entries name profiles by id only."""

    profile_created = "profile_created"
    profile_renamed = "profile_renamed"
    profile_deleted = "profile_deleted"
    imported = "imported"
    history_removed = "history_removed"
    generated = "generated"
    exported = "exported"
    output_deleted = "output_deleted"
    added_to_history = "added_to_history"
    passphrase_changed = "passphrase_changed"
    model_added = "model_added"
    adapter_trained = "adapter_trained"
    model_removed = "model_removed"
    backed_up = "backed_up"
    restored = "restored"


@dataclass(frozen=True)
class Profile:
    id: int
    name: str
    model: str
    created_at: str
    history_count: int = 0
    output_count: int = 0


@dataclass(frozen=True)
class HistoryItem:
    """One imported image, as vectors. ``source_output_id`` is set for items added from an
    output (the feedback loop)."""

    id: int
    profile_id: int
    vectors: ImageVectors
    imported_at: str
    label: str | None = None
    source_output_id: int | None = None


@dataclass(frozen=True)
class Output:
    """A generated image, PNG bytes without metadata, and the resolved request that made it.

    ``reference_features`` (safetensors bytes: what the backend kept of the reference, never
    its pixels) and ``history_digest`` (SHA-256 of the history items used) let it be made
    again; None for outputs stored before schema version 5. ``set_id`` and ``set_position``
    (the 0-based position of its reference in the set) place it in a set of assets; None for
    outputs stored before schema version 6.
    """

    id: int
    profile_id: int
    created_at: str
    width: int
    height: int
    request: GenerationRequest
    png: bytes | None = None  # left out by listings
    reference_features: bytes | None = None  # only from OutputRepository.get
    history_digest: str | None = None
    set_id: int | None = None
    set_position: int | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    event: AuditEvent
    profile_id: int | None
    item_count: int


@dataclass(frozen=True)
class StoredProfileAdapter:
    """A profile's learned composition: safetensors ``weights`` with their ``config``."""

    profile_id: int
    encoder: str
    config: dict
    weights: bytes
    report: dict
    trained_at: str
