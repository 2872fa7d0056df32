"""The rows of the vault as dataclasses (what ``repositories`` returns)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors


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
    """A generated image, PNG bytes without metadata, and the request that made it."""

    id: int
    profile_id: int
    created_at: str
    width: int
    height: int
    request: GenerationRequest
    png: bytes | None = None  # left out by listings


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    event: AuditEvent
    profile_id: int | None
    item_count: int


@dataclass(frozen=True)
class RegisteredModel:
    """A model file or folder the user registered (``drc models add``).

    ``kind`` is one of ``ModelKind``'s values; ``manifest`` maps each file (relative to
    ``path`` for folders, the file name for single files) to its SHA-256; ``details`` holds
    what detection found (variant, embedding sizes...). ``ip_adapter`` and ``image_encoder``
    name the models linked to a pipeline.
    """

    name: str
    kind: str
    architecture: str | None
    path: str
    manifest: dict[str, str]
    details: dict
    added_at: str
    ip_adapter: str | None = None
    image_encoder: str | None = None


@dataclass(frozen=True)
class StoredProfileAdapter:
    """A profile's learned composition: safetensors ``weights`` with their ``config``."""

    profile_id: int
    encoder: str
    config: dict
    weights: bytes
    report: dict
    trained_at: str
