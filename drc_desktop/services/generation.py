"""Generation for a profile: its stored style, a reference's semantics, outputs in the vault.

The profile's history is never images again: generation reads the stored vectors and the
backend aggregates the style. The reference is decoded in memory and not stored; what the
backend needs of it (its features, never its pixels) is kept, encrypted, with every output,
together with the *resolved* request (every default explicit, the SHA-256 of every weight
file) and a digest of the history items used, so that :func:`regenerate` can make the same
pixels again or say why it cannot (issue 11 §3).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from PIL import Image

from drc_desktop.core.errors import HistoryChangedError, InputError, ModelError
from drc_desktop.core.images import encode_png, read_image
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.backend import (
    Backend,
    GenerationStep,
    ReferenceFeatures,
    features_from_bytes,
    features_to_bytes,
)
from drc_desktop.ml.devices import torch_threads
from drc_desktop.store.outputs import NewOutput
from drc_desktop.store.vault import Vault

GenerationProgress = tuple[int, int, list[int] | None]
"""``(step, total, None)`` per denoising step, then ``(total, total, output ids)``."""

PROFILE_ADAPTER_WEIGHTS = "profile-adapter"
"""The key of a profile's learned composition in a resolved request's ``weights``."""


def check_request(backend: Backend, request: GenerationRequest) -> None:
    """Raises InputError for options the profile's model cannot honour."""
    backend.check(request)


def generate_for_profile(
    vault: Vault,
    backend: Backend,
    request: GenerationRequest,
    reference: Image.Image,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[GenerationProgress]:
    """Generate ``request.n`` images and store them in the vault.

    A generator: yields ``(step, total, None)`` after every denoising step, then
    ``(total, total, output_ids)``. Cancelled (``should_stop()``) means nothing is stored.
    The outputs are one set of one reference (:func:`generate_set` makes sets of several).

    Raises:
        InputError: the profile has no history, its items come from another encoder, or the
            request asks for what the model cannot do.
    """
    backend.check(request)
    profile = vault.profiles.get_by_id(request.profile_id)
    history = profile_history(vault, backend, request.profile_id)
    adapter, adapter_digest = _profile_adapter(vault, backend, profile.id)
    request = resolve(backend, replace(request, history_items=len(history)), adapter_digest)
    features = backend.reference_features(reference, request)
    yield from _generate_and_store(
        vault, backend, history, features, request, adapter, should_stop=should_stop
    )


@dataclass(frozen=True)
class SetStep:
    """Progress of a set of assets (issue 12 §2): reference ``position`` (0-based) of
    ``references`` in set ``set_id``, ``step`` of ``total`` denoising steps of it. The last
    step of a reference carries its stored ``output_ids``, or ``rejected``: why the reference
    could not be used (it was skipped, the others go on)."""

    set_id: int
    position: int
    references: int
    step: int
    total: int
    output_ids: list[int] | None = None
    rejected: str | None = None

    @property
    def finished(self) -> bool:
        """Whether this reference is done (stored or rejected)."""
        return self.output_ids is not None or self.rejected is not None


def generate_set(
    vault: Vault,
    backend: Backend,
    request: GenerationRequest,
    references: Sequence[Path],
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[SetStep]:
    """Generate ``request.n`` images for each reference, all in the profile's style with the
    same resolved request, and store them as one set, each reference's images with its
    position (issue 12 §2).

    Each reference is decoded in memory when its turn comes; one that cannot be read is
    reported (``SetStep.rejected``) and the others go on. Each reference's images are stored
    in one transaction as soon as they are made, so a set that is cancelled
    (``should_stop()``) or fails keeps every reference that finished and no half-stored one;
    a set that stored nothing is not kept.

    Raises:
        InputError: as :func:`generate_for_profile` (empty history, another encoder, options
            the model cannot honour), before anything is generated.
    """
    backend.check(request)
    history = profile_history(vault, backend, request.profile_id)
    adapter, adapter_digest = _profile_adapter(vault, backend, request.profile_id)
    request = resolve(backend, replace(request, history_items=len(history)), adapter_digest)
    digest = history_digest(history)
    set_id = vault.outputs.create_set(request.profile_id, len(references))
    count = len(references)
    try:
        for position, path in enumerate(references):
            if should_stop is not None and should_stop():
                break
            try:
                reference = read_image(path)
            except InputError as exc:
                yield SetStep(set_id, position, count, 0, 0, rejected=str(exc))
                continue
            features = backend.reference_features(reference, request)
            images = None
            for step, total, made in _generate(
                backend, history, features, request, adapter, should_stop=should_stop
            ):
                if made is None:
                    yield SetStep(set_id, position, count, step, total)
                else:
                    images = made
            if images is None:  # stopped during this reference: nothing of it is kept
                break
            ids = store_outputs(
                vault, images, request, features, digest, set_id=set_id, set_position=position
            )
            yield SetStep(set_id, position, count, request.steps, request.steps, output_ids=ids)
    finally:
        vault.outputs.drop_set_if_empty(set_id)


def resolve(
    backend: Backend, request: GenerationRequest, adapter_digest: str | None = None
) -> GenerationRequest:
    """The request with every default explicit, the profile's learned composition among the
    weights when it has one."""
    resolved = backend.resolve(request, profile_adapter=adapter_digest is not None)
    if adapter_digest is not None and resolved.method == "drc":
        resolved = replace(
            resolved, weights={**(resolved.weights or {}), PROFILE_ADAPTER_WEIGHTS: adapter_digest}
        )
    return resolved


def regenerate(
    vault: Vault,
    backend: Backend,
    output_id: int,
    *,
    current_history: bool = False,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[GenerationProgress]:
    """Generate output ``output_id`` again from what the vault keeps with it and store the
    result as a new output (progress as :func:`generate_for_profile`, the new id last).

    The same pixels come out on the same device and library versions. With
    ``current_history`` a profile whose history changed since is generated from its current
    history (the pixels then differ).

    Raises:
        InputError: the output was stored before requests were recorded in full.
        HistoryChangedError: the profile's history changed (and ``current_history`` is
            false).
        ModelError: a weight file the output was made with changed or is missing.
    """
    output = vault.outputs.get(output_id)
    stored = output.request
    missing = stored.not_recorded()
    if output.reference_features is None or missing:
        what = ", ".join(missing) if missing else "the reference's features"
        raise InputError(
            f"output {output_id} was made before DRC Desktop recorded how ({what} not "
            "recorded): it cannot be generated again"
        )
    history = profile_history(vault, backend, stored.profile_id)
    if history_digest(history) != output.history_digest and not current_history:
        raise HistoryChangedError(
            f"the profile's history changed since output {output_id} was made (items were "
            "added or removed), so its pixels cannot be made again; generate from the current "
            "history instead with --current-history"
        )
    adapter, adapter_digest = _profile_adapter(vault, backend, stored.profile_id)
    request = replace(stored, index=None, history_items=len(history))
    features = features_from_bytes(output.reference_features)
    index = stored.index or 0
    with torch_threads(stored.threads):  # CPU maths can depend on the thread count
        current = resolve(backend, request, adapter_digest if stored.method == "drc" else None)
        check_weights(output_id, stored.weights or {}, current.weights or {})
        for step, total, images in _generate(
            backend, history, features, current, adapter, should_stop=should_stop
        ):
            if images is None:
                yield step, total, None
                continue
            kept = replace(current, index=index)
            set_id = vault.outputs.create_set(stored.profile_id, 1)  # a set of its own
            try:
                ids = store_outputs(
                    vault, [images[index]], kept, features, history_digest(history),
                    first_index=index, set_id=set_id, set_position=0,
                )  # fmt: skip
            finally:
                vault.outputs.drop_set_if_empty(set_id)
            yield total, total, ids


def check_weights(output_id: int, made_with: dict[str, str], now: dict[str, str]) -> None:
    """Raises ModelError naming each weight file that changed or is gone since an output was
    made (``model:file`` -> SHA-256 maps)."""
    gone = sorted(set(made_with) - set(now))
    changed = sorted(name for name in set(made_with) & set(now) if made_with[name] != now[name])
    problems = [f"{name} changed" for name in changed] + [f"{name} is missing" for name in gone]
    if problems:
        raise ModelError(
            f"output {output_id} cannot be made again exactly: {'; '.join(problems)} since it "
            "was made (SHA-256 differs)"
        )


def style_preview(
    vault: Vault,
    backend: Backend,
    profile_id: int,
    n: int,
    *,
    should_stop: Callable[[], bool] | None = None,
) -> Iterator[GenerationStep]:
    """A few images from the profile's style alone (semantic strength 0, seed 0, the
    model's training-free composition); not stored. Nothing when the history is empty."""
    if not vault.history.count(profile_id):
        return
    history = profile_history(vault, backend, profile_id)
    neutral = Image.new("RGB", (64, 64), (128, 128, 128))  # ignored at strength 0
    request = backend.resolve(
        GenerationRequest(profile_id=profile_id, model=backend.model_name, method="auto", n=n,
                          semantic_strength=0.0),
        profile_adapter=False,
    )  # fmt: skip
    features = backend.reference_features(neutral, request)
    yield from backend.generate(history, features, request, should_stop=should_stop)


def profile_history(vault: Vault, backend: Backend, profile_id: int) -> list[ImageVectors]:
    """The vectors of the profile's history, in import order, checked against the backend's
    encoder.

    Raises:
        InputError: the history is empty, or holds vectors of another encoder.
    """
    profile = vault.profiles.get_by_id(profile_id)
    history = [item.vectors for item in vault.history.list(profile.id)]
    encoders = {vectors.encoder for vectors in history}
    if not encoders:
        raise InputError(
            f"profile {profile.name!r} has no history yet: import some of its images first"
        )
    if encoders != {backend.encoder_identity}:
        raise InputError(
            f"profile {profile.name!r} holds vectors from another encoder "
            f"({', '.join(sorted(encoders - {backend.encoder_identity}))}); they cannot be "
            f"used with {backend.encoder_identity}: import the images again"
        )
    return history


def history_digest(history: list[ImageVectors]) -> str:
    """SHA-256 over the encoder and features of each history item, in order: it changes when
    an item is added or removed."""
    digest = hashlib.sha256()
    for vectors in history:
        digest.update(vectors.encoder.encode() + b"\0" + str(vectors.features.shape).encode())
        digest.update(vectors.features.tobytes())
    return digest.hexdigest()


def store_outputs(
    vault: Vault,
    images: list[Image.Image],
    request: GenerationRequest,
    features: ReferenceFeatures,
    digest: str,
    first_index: int = 0,
    *,
    set_id: int | None = None,
    set_position: int | None = None,
) -> list[int]:
    """Store images with the resolved request, the reference's features and the history
    digest, all or none (one transaction), in set ``set_id`` at ``set_position`` when
    given; returns their ids."""
    rows = [
        NewOutput(encode_png(image), image.width, image.height,
                  replace(request, index=first_index + i))
        for i, image in enumerate(images)
    ]  # fmt: skip
    return vault.outputs.add_many(
        rows, reference_features=features_to_bytes(features), history_digest=digest,
        set_id=set_id, set_position=set_position,
    )  # fmt: skip


def _generate_and_store(
    vault: Vault,
    backend: Backend,
    history: list[ImageVectors],
    features: ReferenceFeatures,
    request: GenerationRequest,
    adapter: object | None,
    *,
    should_stop: Callable[[], bool] | None,
) -> Iterator[GenerationProgress]:
    for step, total, images in _generate(
        backend, history, features, request, adapter, should_stop=should_stop
    ):
        if images is None:
            yield step, total, None
            continue
        set_id = vault.outputs.create_set(request.profile_id, 1)  # a set of one reference
        try:
            ids = store_outputs(vault, images, request, features, history_digest(history),
                                set_id=set_id, set_position=0)  # fmt: skip
        finally:
            vault.outputs.drop_set_if_empty(set_id)
        yield total, total, ids


def _generate(
    backend: Backend,
    history: list[ImageVectors],
    features: ReferenceFeatures,
    request: GenerationRequest,
    adapter: object | None,
    *,
    should_stop: Callable[[], bool] | None,
) -> Iterator[tuple[int, int, list[Image.Image] | None]]:
    steps = backend.generate(
        history, features, request, profile_adapter=adapter, should_stop=should_stop
    )
    for step in steps:
        yield step.step, step.total, step.images


def _profile_adapter(
    vault: Vault, backend: Backend, profile_id: int
) -> tuple[object | None, str | None]:
    """The profile's learned composition and the SHA-256 of its weights, or (None, None).

    Raises:
        InputError: it was trained on another encoder's features (retrain it).
    """
    if not backend.learns_profile_adapter:
        return None, None
    stored = vault.profile_adapters.get(profile_id)
    if stored is None:
        return None, None
    if stored.encoder != backend.encoder_identity:
        raise InputError(
            "the profile's learned composition was trained for another image encoder; retrain "
            "it with `drc train profile-adapter NAME` or generate with --method training-free"
        )
    adapter = backend.read_profile_adapter(stored.config, stored.weights)
    return adapter, hashlib.sha256(stored.weights).hexdigest()
