"""A CLIP vision model (the IP-Adapter's image encoder) behind the ``Encoder`` interface.

``encode`` gives the penultimate hidden states as tokens ``[B, 1 + P, H]`` (what "plus"
IP-Adapters read) and the projected image embedding as pooled ``[B, E]`` (what base adapters
read). What the vault keeps of an image (``describe``, docs/method.md "bring your own model"):

- ``features``: the penultimate hidden states reduced to ``1 + 16`` tokens (the class token
  and a 4 x 4 average pooling of the patch grid), ``[17, H]``: a fixed, small size whatever
  the encoder (ViT-H: 87 KB per image instead of 1.3 MB) that towers can be trained on;
- ``style`` and ``semantics``: the projected embedding ``[1, E]``, which the training-free
  composition feeds to the style and the layout adapter (no disentangler is involved there);
- ``variants``: the reduced features of ``VARIANTS`` semantic-preserving variants, for
  training the learned composition later (the image itself is gone after import).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch
import torch.nn.functional as F
from PIL import Image

from drc_desktop.core.errors import ModelError
from drc_desktop.core.vectors import ImageVectors
from drc_desktop.ml.builtin.encoder import Encoder, VisualTokens
from drc_desktop.ml.drc.augment import augment_semantics_preserving

CLIP_MEAN = (0.48145466, 0.4578275, 0.40821073)
CLIP_STD = (0.26862954, 0.26130258, 0.27577711)
REDUCED_GRID = 4
VARIANTS = 2


class ClipImageEncoder(Encoder):
    """A frozen ``CLIPVisionModelWithProjection`` loaded from a local folder (safetensors)."""

    def __init__(self, model: torch.nn.Module, identity: str) -> None:
        self.model = model.eval().requires_grad_(False)
        self.identity = identity
        config = model.config
        self.resolution = config.image_size
        self.token_dim = config.hidden_size
        self.num_tokens = 1 + (config.image_size // config.patch_size) ** 2
        self.embedding_dim = config.projection_dim

    @classmethod
    def load(cls, folder: Path, identity: str, dtype: torch.dtype = torch.float32):
        """Load offline from ``folder``; only safetensors weights are read."""
        from transformers import CLIPVisionModelWithProjection

        try:
            model = CLIPVisionModelWithProjection.from_pretrained(
                folder, use_safetensors=True, local_files_only=True, dtype=dtype
            )
        except (OSError, ValueError) as exc:
            raise ModelError(f"{folder}: cannot load the CLIP image encoder ({exc})") from None
        return cls(model, identity)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def to(self, device: torch.device | str) -> ClipImageEncoder:
        self.model.to(device)
        return self

    def preprocess(self, images: list[Image.Image]) -> torch.Tensor:
        """PIL images -> ``[B, 3, R, R]`` in [0, 1]: shorter side resized to R (bicubic),
        centre crop, as CLIP's own preprocessing."""
        size = self.resolution
        tensors = []
        for image in images:
            scale = size / min(image.size)
            resized = image.convert("RGB").resize(
                (max(size, round(image.width * scale)), max(size, round(image.height * scale))),
                Image.Resampling.BICUBIC,
            )
            left, top = (resized.width - size) // 2, (resized.height - size) // 2
            cropped = resized.crop((left, top, left + size, top + size))
            array = torch.frombuffer(bytearray(cropped.tobytes()), dtype=torch.uint8)
            tensors.append(array.view(size, size, 3).permute(2, 0, 1).float() / 255)
        return torch.stack(tensors)

    @torch.no_grad()
    def encode(self, images: torch.Tensor) -> VisualTokens:
        """``[B, 3, R, R]`` in [0, 1] -> tokens ``[B, 1 + P, H]`` (penultimate hidden states)
        and pooled ``[B, E]`` (the projected image embedding)."""
        mean = torch.tensor(CLIP_MEAN, device=images.device).view(1, 3, 1, 1)
        std = torch.tensor(CLIP_STD, device=images.device).view(1, 3, 1, 1)
        pixels = ((images - mean) / std).to(self.device, next(self.model.parameters()).dtype)
        output = self.model(pixel_values=pixels, output_hidden_states=True)
        return VisualTokens(tokens=output.hidden_states[-2], pooled=output.image_embeds)

    def reduce(self, tokens: torch.Tensor) -> torch.Tensor:
        """``[B, 1 + P, H]`` -> ``[B, 1 + 16, H]``: class token + 4 x 4 pooled patch grid."""
        batch, count, hidden = tokens.shape
        side = round((count - 1) ** 0.5)
        grid = tokens[:, 1:].transpose(1, 2).reshape(batch, hidden, side, side)
        pooled = F.adaptive_avg_pool2d(grid.float(), REDUCED_GRID).flatten(2).transpose(1, 2)
        return torch.cat([tokens[:, :1].float(), pooled], dim=1)

    @torch.no_grad()
    def describe(self, images: list[Image.Image], seed: int = 0) -> list[ImageVectors]:
        pixels = self.preprocess(images)
        encoded = self.encode(pixels)
        features = self.reduce(encoded.tokens)
        generator = torch.Generator().manual_seed(seed)
        variant_pixels = augment_semantics_preserving(pixels.repeat(VARIANTS, 1, 1, 1), generator)
        variants = self.reduce(self.encode(variant_pixels).tokens)
        variants = variants.view(VARIANTS, len(images), *variants.shape[1:]).transpose(0, 1)
        embeds = encoded.pooled.float()
        return [
            ImageVectors(
                self.identity,
                features[i].cpu().numpy(),
                embeds[i : i + 1].cpu().numpy(),
                embeds[i : i + 1].cpu().numpy(),
                variants[i].cpu().numpy(),
            )
            for i in range(len(images))
        ]

    @torch.no_grad()
    def zero_image_features(self) -> torch.Tensor:
        """Reduced hidden states of an all-zero pixel tensor ``[1, 17, H]``: the negative
        embedding of "plus" adapters, as diffusers builds it."""
        size = self.resolution
        zeros = torch.zeros(1, 3, size, size, device=self.device)
        output = self.model(
            pixel_values=zeros.to(next(self.model.parameters()).dtype), output_hidden_states=True
        )
        return self.reduce(output.hidden_states[-2])


def encoder_identity(name: str, manifest: dict[str, str]) -> str:
    """``name@<16 hex digits>`` from the weights' hashes, so retrained weights never mix."""
    weights = sorted(digest for file, digest in manifest.items() if file.endswith(".safetensors"))
    return f"{name}@{hashlib.sha256(''.join(weights).encode()).hexdigest()[:16]}"
