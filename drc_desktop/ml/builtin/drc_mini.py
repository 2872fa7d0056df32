"""drc-mini: the built-in model, its configuration, its files and its inference API.

A drc-mini folder (``resources/models/drc-mini/``) holds:

- ``config.json``: ``MiniConfig`` as JSON;
- ``encoder.safetensors``: the frozen ``StickerEncoderNet`` (tokens ``[B, 16, 64]``);
- ``disentangler.safetensors``: ``StyleTower`` and ``SemTower`` (stage 1);
- ``generator-drc.safetensors`` / ``generator-entangled.safetensors``: UNet + conditioner;
- ``judges.safetensors``: the evaluation judges (trained apart from the model);
- ``manifest.json``: SHA-256 of every file, verified before loading.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.core.resources import RESOURCES_DIR
from drc_desktop.core.stickers import STICKER_SIZE
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.builtin.autoencoder import PatchSpace, StickerAutoencoder
from drc_desktop.ml.builtin.conditioners import (
    METHODS,
    Conditioner,
    DRCConditioner,
    EntangledConditioner,
)
from drc_desktop.ml.builtin.encoder import StickerEncoder, StickerEncoderNet, VisualTokens
from drc_desktop.ml.builtin.generator import GuidanceInputs, build_unet, check_strength, denoise
from drc_desktop.ml.builtin.sticker_data import images_to_tensor
from drc_desktop.ml.drc.augment import augment_semantics_preserving
from drc_desktop.ml.drc.disentangler import Disentangler
from drc_desktop.ml.drc.fusion import FusionNetwork
from drc_desktop.ml.model_files import CONFIG, load_weights, sha256_of, verify_manifest

BUILTIN_MODEL_DIR = RESOURCES_DIR / "models" / "drc-mini"
# What the SemTower reads of a reference at inference (``MiniModel.reference_variants``):
# "variants": a semantic-preserving variant queries another (training's inputs, v1 to v2.1);
# "clean_query": the reference itself queries one variant; "clean": the reference queries
# itself. The augmentation hides the expression from the encoder (docs/method.md,
# "The reference at inference").
REFERENCE_VIEWS = ("variants", "clean_query", "clean")
# How the encoder reads an image (``StickerEncoderNet``'s options): "reduced", box-filtered to
# 32x32, a CNN alone (v2.0-v2.4); "full", every pixel (space-to-depth), each token told its
# cell's colour mean and spread, and one attention layer across the tokens (docs/method.md,
# "The encoder's view of fills"). Folders without the field read "reduced".
ENCODER_DESIGNS: dict[str, dict[str, bool]] = {
    "reduced": {},
    "full": {"space_to_depth": True, "cell_statistics": True, "token_mixer": True},
}
AUTOENCODER_FILE = "autoencoder.safetensors"


@dataclass(frozen=True)
class MiniConfig:
    """Sizes of every drc-mini component (one source of truth; saved as config.json)."""

    resolution: int = 64  # the size the encoder and the generator work at
    # The generator's grid: one cell per p x p pixels (4: v2's 16x16 grid; 1: pixels, as v1).
    patch_size: int = 4
    # Channels of a cell: the autoencoder's latent (v2, ``ml/builtin/autoencoder.py``);
    # 0: the cell is the patch's pixels themselves (3p² channels: the first v2 run and v1).
    latent_channels: int = 4
    token_dim: int = 64
    num_tokens: int = 16
    part_dim: int = 64
    instruction_tokens: int = 8
    pooled_dim: int = 128
    unet_channels: tuple[int, ...] = (64, 128, 128)
    attention_levels: int = 2
    # Guidance weight at strength 1 for each part (chosen on the validation split, docs/method.md).
    style_guidance: float = 3.0
    semantic_guidance: float = 4.0
    default_steps: int = 20
    # One of REFERENCE_VIEWS (chosen on the validation split; folders without it: "variants").
    reference_view: str = "variants"
    encoder_identity: str = "drc-mini-v2-encoder"
    encoder_design: str = "reduced"  # one of ENCODER_DESIGNS
    extra: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.reference_view not in REFERENCE_VIEWS:
            raise ValueError(
                f"reference_view must be one of {', '.join(REFERENCE_VIEWS)}, "
                f"got {self.reference_view!r}"
            )
        if self.encoder_design not in ENCODER_DESIGNS:
            raise ValueError(
                f"encoder_design must be one of {', '.join(ENCODER_DESIGNS)}, "
                f"got {self.encoder_design!r}"
            )

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"

    @classmethod
    def from_file(cls, path: Path) -> MiniConfig:
        try:
            data = json.loads(path.read_text())
            data["unet_channels"] = tuple(data["unet_channels"])
            if "patch_size" not in data:  # a drc-mini v1 folder: 32x32 pixels, attention once
                data.update(patch_size=1, attention_levels=1)
            data.setdefault("latent_channels", 0)  # folders from before the autoencoder
            return cls(**data)
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise ModelError(f"{path}: not a valid drc-mini config ({error})") from None


def cell_channels(config: MiniConfig) -> int:
    """Channels of one cell of the generator's grid."""
    return config.latent_channels or 3 * config.patch_size**2


def build_space(config: MiniConfig) -> StickerAutoencoder | PatchSpace:
    """The generator's working space (untrained weights for an autoencoder)."""
    if config.latent_channels:
        return StickerAutoencoder(config.latent_channels)
    return PatchSpace(config.patch_size)


def load_space(config: MiniConfig, folder: Path) -> StickerAutoencoder | PatchSpace:
    space = build_space(config)
    if isinstance(space, StickerAutoencoder):
        load_weights(folder / AUTOENCODER_FILE, {"autoencoder": space})
    return space.eval()


def build_encoder_net(config: MiniConfig) -> StickerEncoderNet:
    return StickerEncoderNet(
        dim=config.token_dim,
        resolution=config.resolution,
        **ENCODER_DESIGNS[config.encoder_design],
    )


def build_disentangler(config: MiniConfig) -> Disentangler:
    return Disentangler(config.token_dim, config.part_dim, config.num_tokens)


def build_fusion(config: MiniConfig) -> FusionNetwork:
    return FusionNetwork(
        config.part_dim, config.num_tokens, config.instruction_tokens, config.pooled_dim
    )


def build_generator(
    config: MiniConfig, method: str, disentangler: Disentangler | None = None
) -> tuple[torch.nn.Module, Conditioner]:
    """A fresh UNet and the conditioner of ``method`` (``drc`` needs the disentangler)."""
    unet = build_unet(
        config.resolution // config.patch_size,
        config.unet_channels,
        config.part_dim,
        config.pooled_dim,
        in_channels=cell_channels(config),
        attention_levels=config.attention_levels,
    )
    fusion = build_fusion(config)
    if method == "drc":
        if disentangler is None:
            raise ValueError("the drc method needs a trained disentangler")
        return unet, DRCConditioner(disentangler, fusion)
    if method == "entangled":
        return unet, EntangledConditioner(config.token_dim, config.part_dim, fusion)
    raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")


def generator_file(method: str) -> str:
    return f"generator-{method}.safetensors"


class MiniModel:
    """A loaded drc-mini model: encoder, disentangler and one generator per method."""

    def __init__(
        self,
        config: MiniConfig,
        encoder: StickerEncoder,
        generators: dict,
        disentangler: Disentangler,
        space: StickerAutoencoder | PatchSpace | None = None,
    ) -> None:
        self.config = config
        self.space = space if space is not None else build_space(config)
        self.encoder = encoder
        self.disentangler = disentangler
        self.generators: dict[str, tuple[torch.nn.Module, Conditioner]] = generators
        self.device = torch.device("cpu")

    @classmethod
    def load(
        cls,
        folder: Path = BUILTIN_MODEL_DIR,
        methods: tuple[str, ...] = ("drc",),
        verify: bool = True,
    ) -> MiniModel:
        """Load from a model folder, verifying its SHA-256 manifest first (``ModelError``)."""
        if not (folder / CONFIG).is_file():
            raise ModelError(
                f"{folder}: no trained drc-mini model here (run `drc train builtin --out DIR`)"
            )
        if verify:
            verify_manifest(folder)
        # Trained weights give denormal activations that slow CPU maths about 7x (measured:
        # 5.2 s -> 0.8 s for two images); flushing them to zero changes no visible pixel.
        torch.set_flush_denormal(True)
        config = MiniConfig.from_file(folder / CONFIG)
        net = build_encoder_net(config)
        load_weights(folder / "encoder.safetensors", {"encoder": net})
        disentangler = build_disentangler(config)
        load_weights(folder / "disentangler.safetensors", {"disentangler": disentangler})
        generators = {}
        for method in methods:
            unet, conditioner = build_generator(config, method, disentangler)
            load_weights(
                folder / generator_file(method), {"unet": unet, "conditioner": conditioner}
            )
            generators[method] = (unet.eval(), conditioner.eval())
        identity = f"{config.encoder_identity}@{sha256_of(folder / 'encoder.safetensors')[:16]}"
        encoder = StickerEncoder(net, identity, config.resolution)
        return cls(config, encoder, generators, disentangler.eval(), load_space(config, folder))

    def to(self, device: torch.device | str) -> MiniModel:
        self.device = torch.device(device)
        self.encoder.to(self.device)
        self.disentangler.to(self.device)
        self.space.to(self.device)
        for unet, conditioner in self.generators.values():
            unet.to(self.device)
            conditioner.to(self.device)
        return self

    def to_model_size(self, images: torch.Tensor) -> torch.Tensor:
        """Sticker-size images ``[B, 3, 64, 64]`` -> the model's working size (box filter;
        unchanged for v2, which works at 64, halved for a v1 folder)."""
        size = self.config.resolution
        if images.shape[-1] == size:
            return images
        return F.avg_pool2d(images, images.shape[-1] // size)

    def encode_tensor(self, images: torch.Tensor) -> VisualTokens:
        """Sticker-size float images ``[N, 3, 64, 64]`` in [0, 1] -> ``VisualTokens``."""
        return self.encoder.encode(self.to_model_size(images.to(self.device)))

    def encode_images(self, images: list[Image.Image]) -> VisualTokens:
        """PIL images -> tokens ``[N, 16, 64]`` and pooled ``[N, 64]``."""
        return self.encode_tensor(images_to_tensor(images))

    @torch.no_grad()
    def reference_variants(
        self, references: torch.Tensor, generator: torch.Generator
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """The SemTower's two inputs for each reference ``[B, 3, 64, 64]``, tokens of the query
        and of its partner, two ``[B, 16, 64]`` tensors, as the config's ``reference_view``
        says: two semantic-preserving variants ("variants"), the reference and one variant
        ("clean_query"), or the reference twice ("clean"). The variants are always drawn
        (at the model's working size), so ``generator`` is in the same state afterwards for
        every view."""
        references = self.to_model_size(references.to(self.device))
        variants = augment_semantics_preserving(torch.cat([references, references]), generator)
        view = self.config.reference_view
        batch = len(references)
        if view == "clean":
            tokens = self.encoder.encode(references).tokens
            return tokens, tokens
        if view == "clean_query":
            both = torch.cat([references, variants[batch:]])
            tokens = self.encoder.encode(both).tokens
            return tokens[:batch], tokens[batch:]
        tokens = self.encoder.encode(variants).tokens
        return tokens[:batch], tokens[batch:]

    def guidance_inputs(
        self,
        method: str,
        history: torch.Tensor,
        reference: torch.Tensor,
        partner: torch.Tensor,
        use_style: bool = True,
    ) -> GuidanceInputs:
        """Instructions for (∅,∅), (s,∅), (s,m); history ``[B, N, T, D]``, reference and
        partner ``[B, T, D]``. With ``use_style=False`` (style strength 0) the style part is
        left out everywhere, so the semantic direction ``(∅,m) − (∅,∅)`` carries no style."""
        _, conditioner = self.generators[method]
        style, semantics = conditioner.parts(history, reference, partner)
        style_or_none = style if use_style else None
        fusion = conditioner.fusion
        batch = style.shape[0]
        return GuidanceInputs(
            unconditional=fusion(None, None, batch=batch),
            style_only=fusion(style_or_none, None, batch=batch),
            full=fusion(style_or_none, semantics),
        )

    def guidance_weights(
        self, style_strength: float, semantic_strength: float
    ) -> tuple[float, float]:
        """Strengths in [0, 2] (1 = default) -> the guidance weights of ``denoise``."""
        style = check_strength("style strength", style_strength)
        semantic = check_strength("semantic strength", semantic_strength)
        return self.config.style_guidance * style, self.config.semantic_guidance * semantic

    @torch.no_grad()
    def describe(self, images: list[Image.Image]) -> list[ImageVectors]:
        """What the vault keeps of each image: encoder tokens ``[16, 64]`` and the style and
        semantic parts ``[16, 64]`` (each tower reading the image with itself)."""
        tokens = self.encode_images(images).tokens
        style, semantics = self.disentangler.describe(tokens)
        return [
            ImageVectors(self.encoder.identity, t.cpu().numpy(), s.cpu().numpy(), m.cpu().numpy())
            for t, s, m in zip(tokens, style, semantics, strict=True)
        ]

    def generate(
        self,
        history: list[Image.Image],
        reference: Image.Image,
        **options: object,
    ) -> Iterator[tuple[int, int, list[Image.Image] | None]]:
        """Personalized images from history *images*: see :meth:`generate_from_features`.

        Raises:
            InputError: the history is empty.
        """
        if not history:
            raise InputError("the history is empty: give at least one image of the style")
        return self.generate_from_features(self.encode_images(history).tokens, reference, **options)

    @torch.no_grad()
    def generate_from_features(
        self,
        history_tokens: torch.Tensor,
        reference: Image.Image,
        *,
        n: int = 4,
        seed: int = 0,
        steps: int | None = None,
        style_strength: float = 1.0,
        semantic_strength: float = 1.0,
        method: str = "drc",
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, int, list[Image.Image] | None]]:
        """Personalized images: the history's style with the reference's semantics.

        ``history_tokens`` ``[N, 16, 64]`` are the encoder tokens of N >= 1 history images
        (as stored in the vault). A generator: yields ``(step, total, None)`` per denoising
        step and finally ``(total, total, images)`` with ``n`` RGB images at the model
        resolution. Each output uses its own semantic-preserving variant of the reference.
        Deterministic for a seed and device. Stops without images when ``should_stop()``
        turns true (checked after every step).

        Raises:
            InputError: the history is empty.
            ValueError: ``n`` < 1 or a strength outside ``STRENGTH_RANGE``.
        """
        if history_tokens.ndim != 3 or len(history_tokens) == 0:
            raise InputError("the history is empty: give at least one image of the style")
        if n < 1:
            raise ValueError(f"n must be at least 1, got {n}")
        steps = steps or self.config.default_steps
        generator = torch.Generator().manual_seed(seed)
        history = history_tokens.to(self.device, torch.float32)[None].expand(n, -1, -1, -1)
        references = images_to_tensor([reference]).expand(n, -1, -1, -1)
        for step, images in self.sample(
            method, history, references, generator=generator, steps=steps,
            style_strength=style_strength, semantic_strength=semantic_strength,
            should_stop=should_stop,
        ):  # fmt: skip
            yield step, steps, None if images is None else tensor_to_images(images)

    @torch.no_grad()
    def sample(
        self,
        method: str,
        history_tokens: torch.Tensor,
        references: torch.Tensor,
        *,
        generator: torch.Generator,
        steps: int,
        style_strength: float = 1.0,
        semantic_strength: float = 1.0,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, torch.Tensor | None]]:
        """The batched core of ``generate``: history tokens ``[B, N, T, D]`` and reference
        images ``[B, 3, R, R]`` -> ``denoise``'s progress, then images ``[B, 3, R, R]`` in
        [0, 1] (the final cells decoded by the model's space, ``ml/builtin/autoencoder.py``)."""
        style_weight, semantic_weight = self.guidance_weights(style_strength, semantic_strength)
        reference_tokens, partner_tokens = self.reference_variants(references, generator)
        inputs = self.guidance_inputs(
            method, history_tokens, reference_tokens, partner_tokens, use_style=style_weight > 0
        )
        unet, _ = self.generators[method]
        yield from self.sample_from_inputs(
            unet, inputs, style_weight, semantic_weight, steps, generator, should_stop
        )

    def sample_from_inputs(
        self,
        unet: torch.nn.Module,
        inputs: GuidanceInputs,
        style_weight: float,
        semantic_weight: float,
        steps: int,
        generator: torch.Generator,
        should_stop: Callable[[], bool] | None = None,
    ) -> Iterator[tuple[int, torch.Tensor | None]]:
        """``denoise`` on the generator's grid: ``(step, None)`` per step and finally
        ``(steps, images [B, 3, 64, 64])`` in [0, 1] (a v1 folder's 32x32 outputs are
        upscaled bicubically, as v1 exported them)."""
        for step, cells in denoise(
            unet, inputs, style_weight=style_weight, semantic_weight=semantic_weight,
            steps=steps, generator=generator, should_stop=should_stop,
        ):  # fmt: skip
            if cells is None:
                yield step, None
                continue
            images = self.space.decode(cells)
            if images.shape[-1] != STICKER_SIZE:
                images = F.interpolate(images, size=STICKER_SIZE, mode="bicubic").clamp(0, 1)
            yield step, images


def tensor_to_images(images: torch.Tensor) -> list[Image.Image]:
    """``[B, 3, R, R]`` floats in [0, 1] -> RGB PIL images."""
    array = (images.clamp(0, 1) * 255).round().to(torch.uint8).permute(0, 2, 3, 1).cpu().numpy()
    return [Image.fromarray(a, "RGB") for a in array]
