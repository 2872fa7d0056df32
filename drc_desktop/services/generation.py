"""Generation from the vault: a profile's stored style, a reference's semantics.

The profile's history is never images again: generation reads the stored encoder tokens
``[N, 16, 64]`` and lets the disentangler aggregate the style (``style_of_history``), as the
paper does for a history (§3.3). The reference is decoded in memory and not stored. Every
output, upscaled to the sticker size as `drc compose` writes it, is stored in the vault with
its :class:`GenerationRequest` before anything else sees it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import torch
from PIL import Image

from drc_desktop.core.errors import InputError
from drc_desktop.core.images import encode_png
from drc_desktop.core.requests import BUILTIN_MODEL, GenerationRequest
from drc_desktop.core.stickers import STICKER_SIZE
from drc_desktop.ml.backends import load_builtin
from drc_desktop.ml.drc_mini import MiniModel
from drc_desktop.store.vault import Vault


def load_model(name: str, device: torch.device | str = "cpu") -> MiniModel:
    """The built-in model (kept for the benchmarks and the demo)."""
    return load_builtin(name, device)


def check_request(model: object, request: GenerationRequest) -> None:
    """Raises InputError for options the model cannot honour: the built-in model has no text
    encoder and one output size."""
    if not isinstance(model, MiniModel):
        return
    if request.prompt is not None or request.negative_prompt is not None:
        raise InputError(
            f"the {BUILTIN_MODEL} model has no text encoder: --prompt and --negative-prompt "
            "work only with Stable Diffusion models"
        )
    if request.size is not None or request.guidance_scale is not None:
        raise InputError(f"--size and --guidance-scale do not apply to the {BUILTIN_MODEL} model")


def generate_for_profile(
    vault: Vault,
    model: object,
    request: GenerationRequest,
    reference: Image.Image,
    *,
    on_step: Callable[[int, int], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[tuple[int, int, list[int] | None]]:
    """Generate ``request.n`` images and store them in the vault.

    A generator: yields ``(total, total, output_ids)`` at the end, and for the built-in model
    also ``(step, total, None)`` per denoising step. ``on_step(step, total)`` is called after
    every step with either backend (Stable Diffusion runs in the calling thread, so its steps
    reach the caller only this way). Cancelled (``should_stop()``) means nothing is stored.

    Raises:
        InputError: the profile has no history, its items come from another encoder, or the
            request asks for what the model cannot do.
    """
    check_request(model, request)
    profile = vault.profiles.get_by_id(request.profile_id)
    # one read of the history: the features column for drc-mini, whole items for SD
    if isinstance(model, MiniModel):
        encoders, features = vault.history.features(profile.id)
        count = None if features is None else len(features)
    else:
        history = [item.vectors for item in vault.history.list(profile.id)]
        encoders, count = {v.encoder for v in history}, len(history)
    if not encoders:
        raise InputError(
            f"profile {profile.name!r} has no history yet: import some of its images first"
        )
    if encoders != {model.encoder.identity} or count is None:
        raise InputError(
            f"profile {profile.name!r} holds vectors from another encoder "
            f"({', '.join(sorted(encoders - {model.encoder.identity}))}); they cannot be "
            f"used with {model.encoder.identity}: import the images again"
        )
    request = replace(request, history_items=count)
    if not isinstance(model, MiniModel):
        adapter = load_profile_adapter(vault, profile.id, model.encoder.identity)
        if request.method == "auto":
            request = replace(request, method="drc" if adapter else "training-free")
        images = model.generate(
            history, reference, request, adapter=adapter, on_step=on_step,
            should_stop=should_stop,
        )  # fmt: skip
        if images is not None:
            steps = request.steps or 0
            yield steps, steps, _store(vault, images, request)
        return
    if request.method == "auto":
        request = replace(request, method="drc")
    progress = model.generate_from_features(
        torch.from_numpy(features),
        reference,
        n=request.n,
        seed=request.seed,
        steps=request.steps,
        style_strength=request.style_strength,
        semantic_strength=request.semantic_strength,
        method=request.method,
        should_stop=should_stop,
    )
    for step, total, images in progress:
        if images is None:
            if on_step is not None:
                on_step(step, total)
            yield step, total, None
            continue
        shown = [i.resize((STICKER_SIZE, STICKER_SIZE), Image.Resampling.BICUBIC) for i in images]
        yield total, total, _store(vault, shown, request)


def load_profile_adapter(vault: Vault, profile_id: int, encoder: str):
    """The profile's learned composition, or None. Raises InputError when it was trained on
    another encoder's features (retrain it)."""
    stored = vault.profile_adapters.get(profile_id)
    if stored is None:
        return None
    if stored.encoder != encoder:
        raise InputError(
            "the profile's learned composition was trained for another image encoder; retrain "
            "it with `drc train profile-adapter NAME` or generate with --method training-free"
        )
    from drc_desktop.ml.diffusers_backend.profile_adapter import ProfileAdapter

    return ProfileAdapter.from_bytes(stored.config, stored.weights)


def _store(vault: Vault, images: list[Image.Image], request: GenerationRequest) -> list[int]:
    return [
        vault.outputs.add(encode_png(image), image.width, image.height, replace(request, index=i))
        for i, image in enumerate(images)
    ]


@dataclass(frozen=True)
class GenerationStep:
    step: int
    total: int
    images: list[Image.Image] | None = None


def style_preview(
    vault: Vault,
    model: object,
    profile_id: int,
    n: int,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[GenerationStep]:
    """A few images from the profile's style alone (semantic strength 0); not stored."""
    neutral = Image.new("RGB", (64, 64), (128, 128, 128))  # ignored at strength 0
    if isinstance(model, MiniModel):
        _, features = vault.history.features(profile_id)
        if features is None:
            return
        for step, total, result in model.generate_from_features(
            torch.from_numpy(features), neutral, n=n, seed=0, semantic_strength=0.0,
            should_stop=should_stop,
        ):  # fmt: skip
            yield GenerationStep(step, total, result)
        return
    history = [item.vectors for item in vault.history.list(profile_id)]
    profile = vault.profiles.get_by_id(profile_id)
    request = GenerationRequest(
        profile_id=profile_id, model=profile.model, method="training-free", n=n,
        semantic_strength=0.0,
    )  # fmt: skip
    images = model.generate(history, neutral, request, should_stop=should_stop)
    if images is not None:
        yield GenerationStep(1, 1, images)
