"""A registered bring-your-own model, as the vault records it and the ML code reads it.

It sits in ``core/`` because both ``store/`` (which keeps it) and ``ml/`` (which loads the
files it names) need it, and neither may import the other (DESIGN.md §5).
"""

from __future__ import annotations

from dataclasses import dataclass


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
