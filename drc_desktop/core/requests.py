"""A generation request: everything that affects an output, kept with it in the vault.

Outputs are stored with the *resolved* request that made them (every default made explicit by
the backend, issue 11 §3), so it can be shown and repeated. The reference image itself is
never stored; the vault keeps its features apart, encrypted, with the output.
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
    as a whole); ``steps``, ``size`` (side of the generated square images in pixels) and
    ``guidance_scale`` (text classifier-free guidance of Stable Diffusion models) None mean
    the model's default.

    Filled in by the backend when the request is resolved (None before, and in requests
    stored before issue 11, which show them as "not recorded"): ``guidance_weights`` (the
    built-in model's style and semantic guidance weights at these strengths),
    ``scheduler``, ``device``, ``dtype``, ``threads`` (torch's CPU threads), ``weights``
    (SHA-256 of every weight and config file used, by ``model:file``) and ``libraries``
    (versions of torch and diffusers).
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
    guidance_weights: tuple[float, float] | None = None
    scheduler: str | None = None
    device: str | None = None
    dtype: str | None = None
    threads: int | None = None
    weights: dict[str, str] | None = None
    libraries: dict[str, str] | None = None

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
        values = {key: value for key, value in data.items() if key in known}
        if values.get("guidance_weights") is not None:
            values["guidance_weights"] = tuple(values["guidance_weights"])
        return cls(**values)

    def not_recorded(self) -> tuple[str, ...]:
        """The settings of a resolved request this one lacks (stored before they were
        recorded). Settings that do not apply to the model stay None and are not listed:
        ``guidance_scale`` for a model without a text encoder, ``guidance_weights`` for one
        without them."""
        missing = [name for name in RESOLVED_FIELDS if getattr(self, name) is None]
        if self.guidance_scale is None and self.guidance_weights is None:
            missing.append("guidance")
        return tuple(missing)


RESOLVED_FIELDS = ("steps", "size", "scheduler", "device", "dtype", "threads", "weights")
"""What every resolved request records, whatever the backend."""
