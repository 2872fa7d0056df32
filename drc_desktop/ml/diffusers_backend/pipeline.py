"""A registered Stable Diffusion model with its IP-Adapter, loaded offline, generating from
precomputed embeddings (DESIGN.md §3: generation never needs the raw history images).

Components (``SdBackend``): ``pipe`` (a diffusers ``StableDiffusionPipeline`` or
``StableDiffusionXLPipeline`` with the IP-Adapter loaded twice), ``encoder`` (the linked
``ClipImageEncoder``), ``selected`` (the layers each adapter acts in, ``ip_adapter``).

Offline always: ``HF_HUB_OFFLINE=1`` (set by ``drc_desktop.ml``), ``local_files_only=True``
and ``use_safetensors=True``; the adapter is read with safetensors and passed as a state
dict. Attention slicing is never enabled (it replaces the IP-Adapter attention processors).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.registrations import RegisteredModel
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.diffusers_backend import ip_adapter
from drc_desktop.ml.diffusers_backend.clip_encoder import ClipImageEncoder, encoder_identity
from drc_desktop.ml.diffusers_backend.configs import config_folder
from drc_desktop.ml.diffusers_backend.profile_adapter import ProfileAdapter
from drc_desktop.ml.model_formats import ModelKind
from drc_desktop.ml.model_registry import (
    HashProgress,
    ModelLookup,
    check_files,
    ready_for_generation,
)

DEFAULT_STEPS = 30
DEFAULT_SIZE = {"sd15": 512, "sdxl": 1024}


class GenerationCancelled(Exception):
    """Raised from the step callback to stop the pipeline before the VAE decode."""


@dataclass(frozen=True)
class LoadOptions:
    """How to run: ``dtype`` None = fp16 on CUDA, else fp32; offload and tiling save memory."""

    device: str = "cpu"
    dtype: torch.dtype | None = None
    cpu_offload: bool = False
    vae_tiling: bool = False


def load_encoder(
    models: ModelLookup, model: RegisteredModel, device: str = "cpu"
) -> ClipImageEncoder:
    """The image encoder linked to ``model`` (for import: no pipeline needed)."""
    _, encoder_model = ready_for_generation(models, model)
    check_files(encoder_model)
    quiet_libraries()
    identity = encoder_identity(encoder_model.name, encoder_model.manifest)
    return ClipImageEncoder.load(Path(encoder_model.path), identity).to(device)


class SdBackend:
    """A loaded SD 1.5 / SDXL pipeline with the style and layout IP-Adapters."""

    def __init__(
        self, pipe, architecture: str, encoder: ClipImageEncoder | None, variant: str
    ) -> None:
        self.pipe = pipe
        self.architecture = architecture
        self.encoder = encoder
        self.variant = variant
        self.selected = ip_adapter.select(pipe.unet, architecture)

    @classmethod
    def load(
        cls,
        models: ModelLookup,
        model: RegisteredModel,
        options: LoadOptions = LoadOptions(),
        progress: HashProgress | None = None,
    ) -> SdBackend:
        """Check every file against its manifest, then load pipeline, adapters and encoder.

        Raises:
            ModelError: missing links, a changed file, an unloadable layout.
        """
        adapter, encoder_model = ready_for_generation(models, model)
        for registered in (model, adapter, encoder_model):
            check_files(registered, progress)
        dtype = options.dtype or (torch.float16 if options.device == "cuda" else torch.float32)
        pipe = _load_pipeline(model, dtype, tokenizer_source(models, model.architecture))
        state = ip_adapter.read_state_dict(Path(adapter.path))
        pipe.load_ip_adapter(
            [state, state], subfolder=["", ""], weight_name=["", ""], image_encoder_folder=None
        )
        pipe.set_progress_bar_config(disable=True)
        if options.vae_tiling:
            pipe.vae.enable_tiling()
        if options.cpu_offload:
            pipe.enable_model_cpu_offload(device=options.device)
        else:
            pipe.to(options.device)
        identity = encoder_identity(encoder_model.name, encoder_model.manifest)
        encoder = ClipImageEncoder.load(Path(encoder_model.path), identity, dtype).to(
            options.device
        )
        return cls(pipe, model.architecture, encoder, adapter.details["variant"])

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]:
        return self.encoder.describe(images)

    def embeddings(
        self, history: list[ImageVectors], reference: Image.Image, guided: bool
    ) -> list[torch.Tensor]:
        """``ip_adapter_image_embeds`` for [style adapter, layout adapter].

        Base adapters read projected embeddings: style = mean of the history's ``[1, E]``,
        layout = the reference's; the negative half is zeros. "Plus" adapters read hidden
        states: the reduced ``[17, H]`` features, and the negative half is the encoder's
        output on an all-zero pixel tensor. With ``guided`` False (no classifier-free
        guidance: turbo/LCM models) only the positive half is passed.
        """
        device = self.pipe.unet.device
        dtype = self.pipe.unet.dtype
        reference_vectors = self.describe([reference])[0]
        if self.variant == "plus":
            style = torch.from_numpy(_mean([v.features for v in history]))
            layout = torch.from_numpy(reference_vectors.features)
            negative = self.encoder.zero_image_features()[0].cpu()
        else:
            style = torch.from_numpy(_mean([v.style for v in history]))
            layout = torch.from_numpy(reference_vectors.style)
            negative = torch.zeros_like(style)
        embeds = []
        for positive in (style, layout):
            stacked = torch.stack([negative, positive]) if guided else positive[None]
            embeds.append(stacked[:, None].to(device, dtype))  # [2 or 1, 1 image, ...]
        return embeds

    def generate(
        self,
        history: list[ImageVectors],
        reference: Image.Image,
        request: GenerationRequest,
        *,
        adapter: ProfileAdapter | None = None,
        on_step: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Image.Image] | None:
        """The profile's style with the reference's semantics.

        ``request.method``: ``training-free`` (the two adapters routed to style and layout
        blocks; the strengths scale them) or ``drc`` (the profile's learned ``adapter``
        composes one instruction fed to every IP layer; the strengths act in embedding space).
        Runs in the calling thread (the GUI's engine calls it from its worker); returns the
        images, or None when cancelled. ``on_step(step, total)`` is called after each
        denoising step; ``should_stop()`` is checked there and stops before the VAE decode.

        Raises:
            InputError: ``drc`` without a trained adapter, or an unknown method.
        """
        guided = self.guides(request)
        if request.method == "drc":
            if adapter is None:
                raise InputError("no learned composition for this profile yet: train it with "
                                 "`drc train profile-adapter NAME`")  # fmt: skip
            embeds = self.learned_embeddings(adapter, history, reference, request, guided)
        elif request.method == "training-free":
            embeds = self.embeddings(history, reference, guided=guided)
        else:
            raise InputError(f"method {request.method!r} does not apply to Stable Diffusion")
        return self.generate_from_embeddings(
            embeds, request, on_step=on_step, should_stop=should_stop
        )

    def learned_embeddings(
        self,
        adapter: ProfileAdapter,
        history: list[ImageVectors],
        reference: Image.Image,
        request: GenerationRequest,
        guided: bool,
    ) -> list[torch.Tensor]:
        """The composed instruction as adapter 0's input (adapter 1 gets it too, at scale 0)."""
        features = torch.from_numpy(np.stack([item.features for item in history]))
        variants = torch.from_numpy(self.describe([reference])[0].variants)
        positive = adapter.embed(
            features, variants, request.style_strength, request.semantic_strength
        )
        if self.variant == "plus":
            negative = self.encoder.zero_image_features()[0].cpu()
        else:
            positive = positive[None]  # [1, E], one image embedding
            negative = torch.zeros_like(positive)
        stacked = torch.stack([negative, positive]) if guided else positive[None]
        embed = stacked[:, None].to(self.pipe.unet.device, self.pipe.unet.dtype)
        return [embed, embed]

    def generate_from_embeddings(
        self,
        embeds: list[torch.Tensor],
        request: GenerationRequest,
        *,
        on_step: Callable[[int, int], None] | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> list[Image.Image] | None:
        """:meth:`generate` with the adapters' embeddings already built (:meth:`embeddings`).

        Raises:
            ModelError: the pipeline failed (out of memory, a bad size...), with the cause.
        """
        steps = request.steps or DEFAULT_STEPS
        if request.method == "drc":
            ip_adapter.route_all(self.pipe.unet)
        else:
            ip_adapter.route(
                self.pipe.unet, self.selected, request.style_strength, request.semantic_strength
            )
        size = request.size or DEFAULT_SIZE[self.architecture]
        guided = self.guides(request)

        def on_step_end(pipe, step: int, timestep, callback_kwargs: dict) -> dict:
            if on_step is not None:
                on_step(step + 1, steps)
            if should_stop is not None and should_stop():
                raise GenerationCancelled  # the interrupt flag alone would still decode
            return callback_kwargs

        try:
            result = self.pipe(
                prompt=request.prompt or "",
                negative_prompt=request.negative_prompt if guided else None,
                ip_adapter_image_embeds=embeds,
                num_inference_steps=steps,
                num_images_per_prompt=request.n,
                height=size,
                width=size,
                generator=torch.Generator("cpu").manual_seed(request.seed),
                guidance_scale=request.guidance_scale or self.default_guidance(),
                callback_on_step_end=on_step_end,
            )
        except GenerationCancelled:
            return None
        except (RuntimeError, ValueError) as exc:
            raise ModelError(f"generation failed: {exc}") from exc
        return result.images

    def guides(self, request: GenerationRequest) -> bool:
        """Whether the pipeline will run classifier-free guidance for this request."""
        return (request.guidance_scale or self.default_guidance()) > 1.0

    def default_guidance(self) -> float:
        return 5.0 if self.architecture == "sdxl" else 7.5


def quiet_libraries() -> None:
    """No progress bars or notices from diffusers/transformers inside the app (ours report
    progress through the step callback)."""
    import diffusers
    import transformers

    diffusers.utils.logging.set_verbosity_error()
    diffusers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()


def _load_pipeline(model: RegisteredModel, dtype: torch.dtype, tokenizer: Path | None = None):
    from diffusers import StableDiffusionPipeline, StableDiffusionXLPipeline

    quiet_libraries()
    if model.kind == ModelKind.single_file:
        return _load_single_file(model, dtype, tokenizer)
    pipeline_class = (
        StableDiffusionXLPipeline if model.architecture == "sdxl" else StableDiffusionPipeline
    )
    # SD 1.5 folders may name a safety checker; it is not loaded (it would need a download)
    extra = {"safety_checker": None, "requires_safety_checker": False}
    try:
        return pipeline_class.from_pretrained(
            model.path,
            use_safetensors=True,
            local_files_only=True,
            dtype=dtype,
            **(extra if model.architecture == "sd15" else {}),
        )
    except (OSError, ValueError) as exc:
        raise ModelError(f"model {model.name!r}: cannot load {model.path} ({exc})") from None


def _load_single_file(model: RegisteredModel, dtype: torch.dtype, tokenizers: Path | None):
    """An SD 1.5 or SDXL checkpoint in the original layout, read with safetensors here and
    built component by component with the shipped configs. The tokenizers, which checkpoints
    do not carry and which cannot be downloaded, come from a registered diffusers folder of
    the same architecture."""
    from diffusers import AutoencoderKL, UNet2DConditionModel
    from safetensors.torch import load_file
    from transformers import CLIPTokenizer

    if tokenizers is None:
        raise ModelError(
            f"model {model.name!r}: a single-file checkpoint has no tokenizer; register any "
            f"{model.architecture} diffusers folder (`drc models add FOLDER`) and its tokenizer "
            "is used"
        )
    folder = config_folder(model.architecture)
    state = load_file(model.path)
    try:
        components = {
            "unet": UNet2DConditionModel.from_single_file(
                state, config=str(folder), subfolder="unet"
            ),
            "vae": AutoencoderKL.from_single_file(state, config=str(folder), subfolder="vae"),
            **_text_encoders(state, folder, model.architecture),
        }
    except (OSError, ValueError, RuntimeError, KeyError) as exc:
        raise ModelError(f"model {model.name!r}: cannot load {model.path} ({exc})") from None
    for name in ("tokenizer", "tokenizer_2") if model.architecture == "sdxl" else ("tokenizer",):
        components[name] = CLIPTokenizer.from_pretrained(tokenizers / name, local_files_only=True)
    return _assemble(model.architecture, folder, components).to(dtype=dtype)


def _text_encoders(state: dict, folder: Path, architecture: str) -> dict:
    """CLIP-L (both architectures) and, for SDXL, OpenCLIP bigG converted to transformers."""
    from diffusers.loaders.single_file_utils import convert_open_clip_checkpoint
    from transformers import CLIPTextConfig, CLIPTextModel, CLIPTextModelWithProjection

    prefix = (
        "conditioner.embedders.0.transformer."
        if architecture == "sdxl"
        else ("cond_stage_model.transformer.")
    )
    encoder = CLIPTextModel(CLIPTextConfig.from_json_file(folder / "text_encoder" / "config.json"))
    _load_strict(encoder, {k[len(prefix) :]: v for k, v in state.items() if k.startswith(prefix)})
    if architecture != "sdxl":
        return {"text_encoder": encoder}
    config = CLIPTextConfig.from_json_file(folder / "text_encoder_2" / "config.json")
    second = CLIPTextModelWithProjection(config)
    converted = convert_open_clip_checkpoint(second, state, prefix="conditioner.embedders.1.model.")
    _load_strict(second, converted)
    return {"text_encoder": encoder, "text_encoder_2": second}


def _load_strict(module: torch.nn.Module, state: dict) -> None:
    missing, unexpected = module.load_state_dict(state, strict=False)
    missing = [name for name in missing if "position_ids" not in name]
    if missing or [name for name in unexpected if "position_ids" not in name]:
        raise KeyError(f"text encoder weights do not match (missing {missing[:3]})")


def _assemble(architecture: str, folder: Path, components: dict):
    from diffusers import (
        DPMSolverMultistepScheduler,
        EulerDiscreteScheduler,
        StableDiffusionPipeline,
        StableDiffusionXLPipeline,
    )

    if architecture == "sdxl":
        scheduler = EulerDiscreteScheduler.from_pretrained(folder / "scheduler")
        return StableDiffusionXLPipeline(
            **components, scheduler=scheduler, image_encoder=None, feature_extractor=None
        )
    # SD 1.5's PNDM fails at few steps; DPM-Solver++ reads the same noise schedule
    scheduler = DPMSolverMultistepScheduler.from_pretrained(folder / "scheduler")
    return StableDiffusionPipeline(
        **components, scheduler=scheduler, safety_checker=None, feature_extractor=None,
        image_encoder=None, requires_safety_checker=False,
    )  # fmt: skip


def tokenizer_source(models: ModelLookup, architecture: str) -> Path | None:
    """A registered diffusers pipeline of ``architecture``, whose tokenizers a single-file
    checkpoint borrows."""
    for other in models.list():
        if other.kind == ModelKind.diffusers and other.architecture == architecture:
            return Path(other.path)
    return None


def _mean(arrays: list) -> object:
    if not arrays:
        raise InputError("the profile has no history yet: import some of its images first")
    return np.mean(np.stack(arrays), axis=0).astype(np.float32)
