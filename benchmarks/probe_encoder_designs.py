"""How well encoders of several designs tell the fill (docs/method.md, "The encoder's view of
fills").

Each design is trained as ``drc train builtin``'s encoder stage trains one (the recipe's pool
of 1,600 styles, seed 0, 1,500 steps; ``--steps`` to change), then a linear probe of the fill
is fitted on the encoder tokens of one image of half of ``--styles`` random styles (half of
them sticker-like palettes, half uniform over the colour space; every combination) and scored
on the other half, per palette source. A design is ``reduced``, ``full`` or ``reduced`` with
any of ``+pixels`` (space-to-depth), ``+statistics`` (cell statistics) and ``+mixer`` (token
mixer), for example ``reduced+statistics+mixer``. About 5-8 minutes per design on one core.
Prints one JSON object.

    PYTHONPATH=. python benchmarks/probe_encoder_designs.py --designs reduced full
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time

import torch

from benchmarks.probe_reference_views import probe_predictions, scores_by_source
from drc_desktop.core import stickers
from drc_desktop.ml.builtin.drc_mini import ENCODER_DESIGNS
from drc_desktop.ml.builtin.encoder import StickerEncoderNet
from drc_desktop.ml.builtin.sticker_data import (
    ALL_COMBINATIONS,
    TRAIN_COMBINATIONS,
    images_to_tensor,
    render_pool,
)
from drc_desktop.ml.builtin.training import TrainConfig
from drc_desktop.ml.builtin.training.attributes import pretrain_encoder
from drc_desktop.ml.builtin.training.config import stage_seed

FILLS = stickers.STYLE_CHOICES["fill"]
ADDITIONS = {"pixels": "space_to_depth", "statistics": "cell_statistics", "mixer": "token_mixer"}


def design_options(design: str) -> dict[str, bool]:
    """``reduced``, ``full`` or ``reduced+ADDITION...`` -> ``StickerEncoderNet`` options."""
    base, *additions = design.split("+")
    if base not in ENCODER_DESIGNS or (additions and base != "reduced"):
        raise ValueError(f"unknown design {design!r}")
    options = dict(ENCODER_DESIGNS[base])
    for addition in additions:
        if addition not in ADDITIONS:
            raise ValueError(f"unknown addition {addition!r} in {design!r}")
        options[ADDITIONS[addition]] = True
    return options


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", nargs="+", default=["reduced", "full"])
    parser.add_argument("--styles", type=int, default=1600, help="probe styles (half scored)")
    parser.add_argument("--steps", type=int, default=TrainConfig().encoder_steps)
    parser.add_argument("--seed", type=int, default=11, help="the probe's styles")
    args = parser.parse_args()
    options = {design: design_options(design) for design in args.designs}
    torch.set_flush_denormal(True)
    recipe = TrainConfig()
    pool = render_pool(recipe.pool_styles, seed=recipe.seed, combinations=TRAIN_COMBINATIONS)
    rng = random.Random(args.seed)
    styles, sources, images = [], [], []
    for index in range(args.styles):
        source = stickers.PALETTE_SOURCES[index % 2]
        style = stickers.sample_style(rng, ALL_COMBINATIONS, source)
        semantics = rng.choice(stickers.ALL_SEMANTICS)
        images.append(stickers.render(style, semantics, seed=rng.getrandbits(20)))
        styles.append(style)
        sources.append(source)
    probe_images = images_to_tensor(images)
    labels = torch.tensor([FILLS.index(s.fill) for s in styles])
    train = args.styles // 2
    result: dict[str, object] = {
        "styles": args.styles,
        "encoder_steps": args.steps,
        "chance": round(1 / len(FILLS), 4),
        "designs": {},
    }
    for design, flags in options.items():
        print(f"training {design}", file=sys.stderr, flush=True)
        torch.manual_seed(stage_seed(recipe.seed, "encoder"))
        net = StickerEncoderNet(dim=64, resolution=64, **flags)
        started = time.perf_counter()
        pretrain_encoder(net, pool, recipe, args.steps)
        seconds = round(time.perf_counter() - started, 1)
        with torch.no_grad():
            tokens = torch.cat(
                [net(probe_images[i : i + 256]).tokens for i in range(0, args.styles, 256)]
            )
        predicted = probe_predictions(tokens.flatten(1), labels, train, len(FILLS))
        result["designs"][design] = {
            "options": flags,
            "training_seconds": seconds,
            **scores_by_source(predicted, labels[train:], sources[train:], FILLS, "fill"),
        }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
