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

import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.registrations import RegisteredModel
from drc_desktop.core.requests import GenerationRequest
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.backend import (
    REBUILD_SEED,
    BackendDefaults,
    GenerationStep,
    ReferenceFeatures,
    check_item_encoder,
)
from drc_desktop.ml.sd import ip_adapter
from drc_desktop.ml.sd.clip_encoder import ClipImageEncoder, encoder_identity
from drc_desktop.ml.sd.configs import config_folder
from drc_desktop.ml.sd.formats import ModelKind
from drc_desktop.ml.sd.profile_adapter import ProfileAdapter
from drc_desktop.ml.sd.registry import (
    HashProgress,
    ModelLookup,
    check_files,
    ready_for_generation,
)
from drc_desktop.ml.weights import library_versions, load_safetensors

DEFAULT_STEPS = 30
METHODS = ("drc", "training-free")
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
    """A loaded SD 1.5 / SDXL pipeline with the style and layout IP-Adapters, behind the
    backend protocol (``ml/backend.py``).

    The pipeline runs on one long-lived thread of its own (started at the first generation):
    its step callback feeds the generator that :meth:`generate` returns, so per-step progress
    reaches the caller the same way as drc-mini's (a thread per call cost 4.7 %, issue 11).
    """

    learns_profile_adapter = True

    def __init__(
        self,
        pipe,
        architecture: str,
        encoder: ClipImageEncoder | None,
        variant: str,
        *,
        model_name: str = "",
        weights: dict[str, str] | None = None,
        device: str = "cpu",
    ) -> None:
        self.pipe = pipe
        self.architecture = architecture
        self.encoder = encoder
        self.variant = variant
        self.model_name = model_name
        self.weights = weights or {}
        self.device = device
        self.selected = ip_adapter.select(pipe.unet, architecture)
        self._thread: PipelineThread | None = None

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
        weights = {
            f"{registered.name}:{file}": digest
            for registered in (model, adapter, encoder_model)
            for file, digest in sorted(registered.manifest.items())
        }
        return cls(
            pipe, model.architecture, encoder, adapter.details["variant"], model_name=model.name,
            weights=weights, device=options.device,
        )  # fmt: skip

    # ------------------------------------------------------------------ the protocol

    @property
    def encoder_identity(self) -> str:
        return self.encoder.identity

    def defaults(self) -> BackendDefaults:
        return BackendDefaults(
            steps=DEFAULT_STEPS, size=DEFAULT_SIZE[self.architecture],
            guidance_scale=self.default_guidance(), scheduler=type(self.pipe.scheduler).__name__,
            methods=METHODS, prompts=True,
        )  # fmt: skip

    def describe(self, images: list[Image.Image]) -> list[ImageVectors]:
        return self.encoder.describe(images)

    def check(self, request: GenerationRequest) -> None:
        if request.method not in ("auto", *METHODS):
            raise InputError(f"method {request.method!r} does not apply to Stable Diffusion")

    def resolve(self, request: GenerationRequest, *, profile_adapter: bool) -> GenerationRequest:
        steps, size, guidance = self._settings(request)
        method = request.method
        if method == "auto":
            method = "drc" if profile_adapter else "training-free"
        return replace(
            request, model=self.model_name or request.model, method=method, steps=steps,
            size=size, guidance_scale=guidance, scheduler=type(self.pipe.scheduler).__name__,
            device=self.device, dtype=str(self.pipe.unet.dtype).removeprefix("torch."),
            threads=torch.get_num_threads(), weights=dict(self.weights),
            libraries=library_versions(),
        )  # fmt: skip

    def reference_features(
        self, reference: Image.Image, request: GenerationRequest
    ) -> ReferenceFeatures:
        """The reference's reduced features ``[17, H]``, projected embedding ``[1, E]`` and
        variants' features ``[V, 17, H]`` (what both compositions read of it)."""
        vectors = self.describe([reference])[0]
        return {"features": vectors.features, "style": vectors.style, "variants": vectors.variants}

    def generate(
        self,
        history: list[ImageVectors],
        reference: ReferenceFeatures,
        request: GenerationRequest,
        *,
        profile_adapter: ProfileAdapter | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """The profile's style with the reference's semantics.

        ``request.method``: ``training-free`` (the two adapters routed to style and layout
        blocks; the strengths scale them) or ``drc`` (the profile's learned
        ``profile_adapter`` composes one instruction fed to every IP layer; the strengths act
        in embedding space). Yields a step after each denoising step and the images last;
        ``should_stop()`` is checked after every step and stops before the VAE decode.

        Raises:
            InputError: ``drc`` without a trained adapter, or an unknown method.
            ModelError: the pipeline failed (out of memory, a bad size...), with the cause.
        """
        guided = self.guides(request)
        vectors = ImageVectors(
            self.encoder.identity, reference["features"], reference["style"], reference["style"],
            reference.get("variants"),
        )  # fmt: skip
        method = request.method
        if method == "auto":
            method = "drc" if profile_adapter is not None else "training-free"
        if method == "drc":
            if profile_adapter is None:
                raise InputError("no learned composition for this profile yet: train it with "
                                 "`drc train profile-adapter NAME`")  # fmt: skip
            embeds = self.learned_embeddings(profile_adapter, history, vectors, request, guided)
        elif method == "training-free":
            embeds = self.embeddings(history, vectors, guided=guided)
        else:
            raise InputError(f"method {request.method!r} does not apply to Stable Diffusion")
        return self.generate_from_embeddings(
            embeds, replace(request, method=method), should_stop=should_stop
        )

    def rebuild(
        self,
        item: ImageVectors,
        *,
        steps: int | None = None,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """One image from the item alone: its embedding as both the style and the layout
        adapter's input (the training-free composition at strengths 1, no prompt, the model's
        default size and guidance, seed ``REBUILD_SEED``). It costs a whole generation.

        Raises:
            InputError: the item comes from another encoder.
            ModelError: the pipeline failed.
        """
        check_item_encoder(item, self.encoder_identity)
        request = GenerationRequest(
            profile_id=0, model=self.model_name, method="training-free", n=1, seed=REBUILD_SEED,
            steps=steps,
        )  # fmt: skip
        embeds = self.embeddings([item], item, guided=self.guides(request))
        return self.generate_from_embeddings(embeds, request, should_stop=should_stop)

    def read_profile_adapter(self, config: dict, weights: bytes) -> ProfileAdapter:
        return ProfileAdapter.from_bytes(config, weights)

    def close(self) -> None:
        """Stop the pipeline thread (a later generation starts a new one)."""
        if self._thread is not None:
            self._thread.close()
            self._thread = None

    # ------------------------------------------------------------------ embeddings

    def embeddings(
        self, history: list[ImageVectors], reference: ImageVectors, guided: bool
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
        if self.variant == "plus":
            style = torch.from_numpy(_mean([v.features for v in history]))
            layout = torch.from_numpy(reference.features)
            negative = self.encoder.zero_image_features()[0].cpu()
        else:
            style = torch.from_numpy(_mean([v.style for v in history]))
            layout = torch.from_numpy(reference.style)
            negative = torch.zeros_like(style)
        embeds = []
        for positive in (style, layout):
            stacked = torch.stack([negative, positive]) if guided else positive[None]
            embeds.append(stacked[:, None].to(device, dtype))  # [2 or 1, 1 image, ...]
        return embeds

    def learned_embeddings(
        self,
        adapter: ProfileAdapter,
        history: list[ImageVectors],
        reference: ImageVectors,
        request: GenerationRequest,
        guided: bool,
    ) -> list[torch.Tensor]:
        """The composed instruction as adapter 0's input (adapter 1 gets it too, at scale 0)."""
        if reference.variants is None:
            raise InputError("the reference features hold no variants for the learned composition")
        features = torch.from_numpy(np.stack([item.features for item in history]))
        variants = torch.from_numpy(reference.variants)
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

    # ------------------------------------------------------------------ the pipeline

    def generate_from_embeddings(
        self,
        embeds: list[torch.Tensor],
        request: GenerationRequest,
        *,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[GenerationStep]:
        """:meth:`generate` with the adapters' embeddings already built (:meth:`embeddings`):
        the pipeline runs on the backend's thread, its steps come back through a queue."""
        steps, size, guidance = self._settings(request)
        if request.method == "drc":
            ip_adapter.route_all(self.pipe.unet)
        else:
            ip_adapter.route(
                self.pipe.unet, self.selected, request.style_strength, request.semantic_strength
            )
        guided = guidance > 1.0

        def run(on_step: Callable[[int], None], stop: Callable[[], bool]) -> list | None:
            def on_step_end(pipe, step: int, timestep, callback_kwargs: dict) -> dict:
                on_step(step + 1)
                if stop():
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
                    guidance_scale=guidance,
                    callback_on_step_end=on_step_end,
                )
            except GenerationCancelled:
                return None
            except (RuntimeError, ValueError) as exc:
                raise ModelError(f"generation failed: {exc}") from exc
            return result.images

        if self._thread is None:
            self._thread = PipelineThread()
        return self._thread.steps(run, steps, should_stop)

    def _settings(self, request: GenerationRequest) -> tuple[int, int, float]:
        """Steps, size and guidance scale: the request's, else the model's defaults."""
        guidance = request.guidance_scale
        return (
            request.steps or DEFAULT_STEPS,
            request.size or DEFAULT_SIZE[self.architecture],
            self.default_guidance() if guidance is None else guidance,
        )

    def guides(self, request: GenerationRequest) -> bool:
        """Whether the pipeline will run classifier-free guidance for this request."""
        return self._settings(request)[2] > 1.0

    def default_guidance(self) -> float:
        return 5.0 if self.architecture == "sdxl" else 7.5


class PipelineThread:
    """One long-lived daemon thread that runs pipeline calls one at a time.

    :meth:`steps` hands it a call and returns a generator of :class:`GenerationStep`: the
    call's step callback puts each step in a queue that the generator yields from, in the
    caller's thread. Closing the generator early (the caller stopped reading) stops the call
    at its next step.
    """

    def __init__(self) -> None:
        self._calls: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._serve, name="drc-sd-pipeline", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while (call := self._calls.get()) is not None:
            call()

    def steps(
        self,
        run: Callable[[Callable[[int], None], Callable[[], bool]], list | None],
        total: int,
        should_stop: Callable[[], bool] | None,
    ) -> Iterator[GenerationStep]:
        events: queue.Queue = queue.Queue()
        abandoned = threading.Event()

        def stop() -> bool:
            return abandoned.is_set() or (should_stop is not None and should_stop())

        def call() -> None:
            try:
                events.put(("done", run(lambda step: events.put(("step", step)), stop)))
            except BaseException as exc:  # handed to the caller's thread, raised there
                events.put(("error", exc))

        def progress() -> Iterator[GenerationStep]:
            self._calls.put(call)
            try:
                while True:
                    kind, value = events.get()
                    if kind == "step":
                        yield GenerationStep(value, total)
                    elif kind == "error":
                        raise value
                    else:
                        if value is not None:
                            yield GenerationStep(total, total, value)
                        return
            finally:
                abandoned.set()

        return progress()

    def close(self) -> None:
        self._calls.put(None)
        self._thread.join()


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
    from transformers import CLIPTokenizer

    if tokenizers is None:
        raise ModelError(
            f"model {model.name!r}: a single-file checkpoint has no tokenizer; register any "
            f"{model.architecture} diffusers folder (`drc models add FOLDER`) and its tokenizer "
            "is used"
        )
    folder = config_folder(model.architecture)
    state = load_safetensors(Path(model.path))
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
