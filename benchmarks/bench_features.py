"""Feature extraction for history images: encoder tokens, then the StyleTower part.

``encode``: a decoded PIL image -> encoder tokens ``[1, 16, 64]`` + pooled
(``MiniModel.encode_images``). ``encode_and_style``: the same, then the StyleTower part of that
image (``disentangler.style_of_history(tokens[None])``). ``decode_encode_and_style``: the
whole path from the file's PNG bytes (safe decoding included). Both for one image and for a
batch of 32 (reported per image too). Target (issue): <= 10 ms per image.
"""

from __future__ import annotations

import random

import torch
from PIL import Image

from benchmarks.timing import emit, environment, log, measure, parse_args
from drc_desktop.core import stickers
from drc_desktop.core.images import decode_image, encode_png
from drc_desktop.ml.builtin.drc_mini import MiniModel

BATCH = 32
TARGET_MS = 10


def history_images(count: int, seed: int = 0) -> list[Image.Image]:
    rng = random.Random(seed)
    theme = stickers.sample_style(rng)
    return [
        stickers.render(theme, rng.choice(stickers.ALL_SEMANTICS), seed=i) for i in range(count)
    ]


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    log(f"loading {args.model}")
    model = MiniModel.load(args.model, methods=("drc",)).to(args.device)
    disentangler = model.generators["drc"][1].disentangler
    images = history_images(BATCH)

    def encode(batch: list[Image.Image]) -> object:
        return model.encode_images(batch)

    @torch.no_grad()
    def encode_and_style(batch: list[Image.Image]) -> torch.Tensor:
        tokens = model.encode_images(batch).tokens
        return disentangler.style_of_history(tokens[None])

    png = encode_png(images[0])

    def decode_encode_and_style() -> torch.Tensor:
        return encode_and_style([decode_image(png, "history.png")])

    cases = {
        "decode_encode_and_style": decode_encode_and_style,
        "encode": lambda: encode(images[:1]),
        "encode_and_style": lambda: encode_and_style(images[:1]),
        f"encode_batch{BATCH}": lambda: encode(images),
        f"encode_and_style_batch{BATCH}": lambda: encode_and_style(images),
    }
    results = measure(cases, args.runs, model.device)
    per_image = {
        name: round(results[name]["median_ms"] / BATCH, 3)
        for name in (f"encode_batch{BATCH}", f"encode_and_style_batch{BATCH}")
    }
    single_ms = results["decode_encode_and_style"]["median_ms"]
    emit(
        {
            "benchmark": "features",
            "model": str(args.model),
            **environment(model.device),
            "runs": args.runs,
            "warmup": 1,
            "one_image": {
                "decode_encode_and_style": results["decode_encode_and_style"],
                "encode": results["encode"],
                "encode_and_style": results["encode_and_style"],
            },
            f"batch{BATCH}": {
                "encode": results[f"encode_batch{BATCH}"],
                "encode_and_style": results[f"encode_and_style_batch{BATCH}"],
                "per_image_median_ms": per_image,
            },
            "target_ms": TARGET_MS,
            "meets_target": single_ms <= TARGET_MS,
            "meets_target_batch_per_image": per_image[f"encode_and_style_batch{BATCH}"]
            <= TARGET_MS,
        }
    )


if __name__ == "__main__":
    main()
