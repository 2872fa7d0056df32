"""drc-mini behind the backend protocol (``ml/backend.py``), over ``MiniModel``'s public API.

The model itself (``drc_mini.py``) is untouched: this adapter resolves its defaults, keeps
of the reference only the encoder tokens of its semantic-preserving variants (and the random
generator's state after drawing them), and samples from those tokens. That is the path
``MiniModel.generate_from_features`` takes (variants, then guided denoising with the same
generator), split where the reference's pixels are last needed, so an output can be generated
again from what the vault keeps (tests/ml/test_mini_backend.py checks both give the same
pixels).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.requests import BUILTIN_MODEL, GenerationRequest
from drc_desktop.core.stickers import STICKER_SIZE
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.backend import (
    REBUILD_SEED,
    BackendDefaults,
    GenerationStep,
    ReferenceFeatures,
    check_item_encoder,
)
from drc_desktop.ml.builtin.drc_mini import (
    BUILTIN_MODEL_DIR,
    MiniModel,
    generator_file,
    tensor_to_images,
)
from drc_desktop.ml.builtin.generator import GuidanceInputs, sampling_scheduler
from drc_desktop.ml.builtin.sticker_data import images_to_tensor
from drc_desktop.ml.model_files import CONFIG, MANIFEST
from drc_desktop.ml.weights import library_versions


class MiniBackend:
    """A loaded drc-mini model (``model``) from ``folder``. Outputs are generated at the model
    resolution and upscaled to the sticker size (bicubic), as ``drc compose`` writes them; the
    request's ``size`` is that sticker size."""

    learns_profile_adapter = False

    def __init__(self, model: MiniModel, folder: Path, name: str = BUILTIN_MODEL) -> None:
        self.model = model
        self.folder = folder
        self.model_name = name

    @classmethod
    def load(cls, folder: Path = BUILTIN_MODEL_DIR, device: torch.device | str = "cpu"):
        """Raises ModelError when the folder holds no model or fails its manifest."""
        return cls(MiniModel.load(folder).to(device), folder)

    @property
    def encoder_identity(self) -> str:
        return self.model.encoder.identity

    def defaults(self) -> BackendDefaults:
        config = self.model.config
        return BackendDefaults(
            steps=config.default_steps, size=STICKER_SIZE, guidance_scale=None,
            scheduler=type(sampling_scheduler()).__name__, methods=tuple(self.model.generators),
            prompts=False,
        )  # fmt: skip

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]:
        return self.model.describe(images)

    def check(self, request: GenerationRequest) -> None:
        """The built-in model has no text encoder and one output size."""
        if request.prompt is not None or request.negative_prompt is not None:
            raise InputError(
                f"the {self.model_name} model has no text encoder: --prompt and "
                "--negative-prompt work only with Stable Diffusion models"
            )
        if request.size not in (None, STICKER_SIZE) or (request.guidance_scale is not None):
            raise InputError(
                f"--size and --guidance-scale do not apply to the {self.model_name} model"
            )
        if request.method not in ("auto", *self.model.generators):
            raise InputError(
                f"method {request.method!r} does not apply to the {self.model_name} model"
            )

    def resolve(self, request: GenerationRequest, *, profile_adapter: bool) -> GenerationRequest:
        defaults = self.defaults()
        method = "drc" if request.method == "auto" else request.method
        return replace(
            request, model=self.model_name, method=method, steps=request.steps or defaults.steps,
            size=defaults.size, scheduler=defaults.scheduler,
            guidance_weights=self.model.guidance_weights(
                request.style_strength, request.semantic_strength
            ),
            device=str(self.model.device), dtype="float32", threads=torch.get_num_threads(),
            weights=self.weight_hashes(method), libraries=library_versions(),
        )  # fmt: skip

    def weight_hashes(self, method: str) -> dict[str, str]:
        """SHA-256 of the files generation with ``method`` reads, from the manifest that
        ``MiniModel.load`` verified."""
        try:
            manifest = json.loads((self.folder / MANIFEST).read_text())["sha256"]
        except (OSError, ValueError, KeyError):
            raise ModelError(f"{self.folder / MANIFEST}: not a valid manifest") from None
        used = (CONFIG, "encoder.safetensors", "disentangler.safetensors", generator_file(method))
        return {f"{self.model_name}:{name}": manifest[name] for name in used if name in manifest}

    @torch.no_grad()
    def reference_features(
        self, reference: Image.Image, request: GenerationRequest
    ) -> ReferenceFeatures:
        """The SemTower's two inputs per output, tokens ``[n, 16, 64]`` of the query and of
        its partner (as the model's ``reference_view`` says: semantic-preserving variants of
        the reference, or the reference itself), and the generator state the sampling goes on
        from (the variants draw from the seeded generator first)."""
        generator = torch.Generator().manual_seed(request.seed)
        references = images_to_tensor([reference]).expand(request.n, -1, -1, -1)
        tokens, partner = self.model.reference_variants(references, generator)
        return {
            "reference": tokens.float().cpu().numpy(),
            "partner": partner.float().cpu().numpy(),
            "generator_state": generator.get_state().numpy(),
        }

    @torch.no_grad()
    def generate(
        self,
        history: list[ImageVectors],
        reference: ReferenceFeatures,
        request: GenerationRequest,
        *,
        profile_adapter: object | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """Guided denoising from the history's tokens and the reference's variant tokens.

        Raises:
            InputError: the history is empty or the features do not fit the request.
        """
        if not history:
            raise InputError("the history is empty: give at least one image of the style")
        model, device = self.model, self.model.device
        steps = request.steps or model.config.default_steps
        tokens = torch.from_numpy(np.stack([item.features for item in history]))
        history_tokens = tokens.to(device, torch.float32)[None].expand(request.n, -1, -1, -1)
        variant, partner = (
            torch.from_numpy(np.asarray(reference[k])).to(device) for k in ("reference", "partner")
        )
        if len(variant) != request.n:
            raise InputError(f"the reference features hold {len(variant)} variants, not n")
        generator = torch.Generator()
        generator.set_state(torch.from_numpy(np.asarray(reference["generator_state"])))
        style_weight, semantic_weight = model.guidance_weights(
            request.style_strength, request.semantic_strength
        )
        inputs = model.guidance_inputs(
            request.method, history_tokens, variant, partner, use_style=style_weight > 0
        )
        unet, _ = model.generators[request.method]
        for step, images in model.sample_from_inputs(
            unet, inputs, style_weight, semantic_weight, steps, generator, should_stop
        ):
            if images is None:
                yield GenerationStep(step, steps)
            else:  # sticker-size images, whatever size the model works at
                yield GenerationStep(steps, steps, tensor_to_images(images))

    @torch.no_grad()
    def rebuild(
        self,
        item: ImageVectors,
        *,
        steps: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """The item's own style part ``[16, d]`` and semantic part ``[16, d]`` (as the vault
        keeps them: each tower reading the image with itself) composed by the DRC generator's
        fusion network and sampled with compositional guidance at strengths 1, seed
        ``REBUILD_SEED``: what the model makes of that image's vectors alone.

        Raises:
            InputError: the item comes from another encoder.
            ModelError: the model was loaded without its DRC generator.
        """
        check_item_encoder(item, self.encoder_identity)
        if "drc" not in self.model.generators:
            raise ModelError(f"the {self.model_name} model was loaded without its DRC generator")
        model, device = self.model, self.model.device
        steps = steps or model.config.default_steps
        unet, conditioner = model.generators["drc"]
        style, semantics = (
            torch.from_numpy(part)[None].to(device) for part in (item.style, item.semantics)
        )
        fusion = conditioner.fusion
        inputs = GuidanceInputs(
            unconditional=fusion(None, None, batch=1),
            style_only=fusion(style, None),
            full=fusion(style, semantics),
        )
        generator = torch.Generator().manual_seed(REBUILD_SEED)
        for step, images in model.sample_from_inputs(
            unet, inputs, *model.guidance_weights(1.0, 1.0), steps, generator, should_stop
        ):
            if images is None:
                yield GenerationStep(step, steps)
            else:
                yield GenerationStep(steps, steps, tensor_to_images(images))

    def read_profile_adapter(self, config: dict, weights: bytes) -> object:
        raise InputError(f"the {self.model_name} model's composition is already trained")

    def close(self) -> None:
        """Nothing to release (no thread of its own)."""
