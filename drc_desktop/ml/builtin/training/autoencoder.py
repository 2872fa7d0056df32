"""Stage 0: the sticker autoencoder, the generator's working space (``autoencoder.py``):
jointly, then the decoder alone with the latents frozen."""

from __future__ import annotations

import torch
from tqdm.auto import tqdm

from drc_desktop.ml.builtin.autoencoder import StickerAutoencoder
from drc_desktop.ml.builtin.sticker_data import (
    StickerPool,
)
from drc_desktop.ml.builtin.training.config import SEMANTICS_COUNT, float_images

# Reconstruction of a decoder fed slightly perturbed latents (half of each batch, noise of up
# to this share of the latents' spread), so that it draws clean stickers from the small
# errors a diffusion sample leaves (docs/method.md, "Generator").
AUTOENCODER_LATENT_NOISE = 0.1


def train_autoencoder(
    autoencoder: StickerAutoencoder,
    pool: StickerPool,
    steps: int,
    batch: int,
    generator: torch.Generator,
    decoder_only: bool = False,
) -> tuple[StickerAutoencoder, list[float]]:
    """Train ``autoencoder`` on the pool's images by L1 + MSE reconstruction (L1 keeps fills
    flat and edges hard), then set its latent ``scale`` to unit variance; returns it frozen
    with the loss curve (the mean loss of every 50 steps).

    With ``decoder_only`` the encoder and ``scale`` stay as they are (the latents do not
    change) and only the decoder learns: the second phase of stage 0."""
    images = pool.images
    device = images.device
    autoencoder.to(device).train()
    autoencoder.requires_grad_(True)
    if decoder_only:
        autoencoder.encoder.eval().requires_grad_(False)
    trainable = [p for p in autoencoder.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(trainable, lr=1e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, 1e-3, total_steps=max(steps, 1), pct_start=0.1
    )
    curve, running = [], 0.0
    for step in tqdm(range(steps), desc="autoencoder", leave=False):
        si = torch.randint(pool.num_styles, (batch,), generator=generator).to(device)
        mi = torch.randint(SEMANTICS_COUNT, (batch,), generator=generator).to(device)
        x = float_images(images[si, mi])
        latents = autoencoder.encode_raw(x)
        spread = latents.detach().std()
        noisy = (torch.rand(batch, 1, 1, 1, generator=generator) < 0.5).to(device)
        amount = AUTOENCODER_LATENT_NOISE * torch.rand(batch, 1, 1, 1, generator=generator)
        noise = torch.randn(latents.shape, generator=generator).to(device)
        latents = latents + noisy * amount.to(device) * spread * noise
        target = x * 2.0 - 1.0
        out = autoencoder.decode_raw(latents)
        loss = (out - target).abs().mean() + (out - target).pow(2).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        running += loss.item()
        if (step + 1) % 50 == 0 or step + 1 == steps:
            curve.append(round(running / (50 if (step + 1) % 50 == 0 else (step + 1) % 50), 5))
            running = 0.0
    autoencoder.eval().requires_grad_(False)
    if decoder_only:
        return autoencoder, curve
    with torch.no_grad():
        si = torch.randint(pool.num_styles, (512,), generator=generator).to(device)
        mi = torch.randint(SEMANTICS_COUNT, (512,), generator=generator).to(device)
        spread = autoencoder.encode_raw(float_images(images[si, mi])).std()
        autoencoder.scale.fill_(1.0 / float(spread))
    return autoencoder, curve
