"""A generation request: everything that affects an output, kept with it in the vault.

Outputs are stored with the request that made them (so it can be shown and repeated). The
reference image itself is never stored; the request records only that one was used.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields

from drc_desktop.core.composition import DEFAULT_IMAGES, DEFAULT_STRENGTH, STRENGTH_RANGE
from drc_desktop.core.errors import InputError

BUILTIN_MODEL = "drc-mini"
"""The name under which profiles refer to the built-in model."""


@dataclass(frozen=True)
class GenerationRequest:
    """One call of "generate": a profile's style, a reference's semantics, the settings.

    ``index`` is the position of an output within its batch of ``n`` (None for the request
    as a whole); ``steps``, ``size`` (square output side in pixels) and ``guidance_scale``
    (text classifier-free guidance of Stable Diffusion models) None mean the model's default.
    """

    profile_id: int
    model: str = BUILTIN_MODEL
    method: str = "drc"
    n: int = DEFAULT_IMAGES
    seed: int = 0
    steps: int | None = None
    style_strength: float = DEFAULT_STRENGTH
    semantic_strength: float = DEFAULT_STRENGTH
    prompt: str | None = None
    negative_prompt: str | None = None
    size: int | None = None
    guidance_scale: float | None = None
    history_items: int = 0
    index: int | None = None

    def __post_init__(self) -> None:
        if self.n < 1:
            raise InputError(f"n: must be at least 1, got {self.n}")
        if self.steps is not None and self.steps < 1:
            raise InputError(f"steps: must be at least 1, got {self.steps}")
        if self.size is not None and (self.size < 64 or self.size % 8):
            raise InputError(f"size: must be a multiple of 8, at least 64, got {self.size}")
        low, high = STRENGTH_RANGE
        for name in ("style_strength", "semantic_strength"):
            value = getattr(self, name)
            if not low <= value <= high:
                raise InputError(f"{name}: must be between {low:g} and {high:g}, got {value}")

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> GenerationRequest:
        """Parse a stored request; unknown keys (from a newer app) are ignored."""
        data = json.loads(text)
        known = {field.name for field in fields(cls)}
        return cls(**{key: value for key, value in data.items() if key in known})
