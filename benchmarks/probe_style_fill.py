"""How much of a style's fill reaches the generator's condition (docs/evaluation.md, "What
the numbers say").

Draws ``--styles`` random styles (half sticker-like palettes, half uniform over the colour
space; every combination), renders 6 random semantics of each, and fits a linear probe of
the fill on half of the styles, scored on the other half, per palette source. Rows: the
encoder tokens of one image, the StyleTower part of that image alone (what ``oracle`` gives
the generator) and of the 6-image history (what ``drc`` gives it). A linear probe is a lower
bound on what the generator could read; it says where the fill is weak, not that it is
absent. Prints one JSON object.

    PYTHONPATH=. python benchmarks/probe_style_fill.py --model resources/models/drc-mini
"""

from __future__ import annotations

import json
import sys

import torch

from benchmarks.probe_reference_views import probe_predictions, probe_setup, scores_by_source
from drc_desktop.core import stickers
from drc_desktop.ml.builtin.sticker_data import ALL_COMBINATIONS, images_to_tensor

SEMANTICS = [stickers.StickerSemantics(e, a) for e in stickers.EMOTIONS for a in stickers.ACTIONS]
FILLS = stickers.STYLE_CHOICES["fill"]
HISTORY = 6


def main() -> int:
    args, model, rng = probe_setup(__doc__, styles=400, seed=5)
    features: dict[str, list[torch.Tensor]] = {}
    labels, sources = [], []
    with torch.no_grad():
        for index in range(args.styles):
            source = stickers.PALETTE_SOURCES[index % 2]
            style = stickers.sample_style(rng, ALL_COMBINATIONS, source)
            images = images_to_tensor(
                [
                    stickers.render(style, s, seed=rng.getrandbits(20))
                    for s in rng.sample(SEMANTICS, HISTORY)
                ]
            )
            tokens = model.encode_tensor(images).tokens  # [6, T, D]
            rows = {
                "encoder tokens, one image": tokens[:1],
                "style part, the image alone": model.disentangler.style_of_history(
                    tokens[None, :1]
                ),
                "style part, 6-image history": model.disentangler.style_of_history(tokens[None]),
            }
            for name, value in rows.items():
                features.setdefault(name, []).append(value.flatten(1))
            labels.append(FILLS.index(style.fill))
            sources.append(source)
    targets = torch.tensor(labels)
    train = len(targets) // 2
    result: dict[str, object] = {"styles": args.styles, "chance": round(1 / len(FILLS), 4)}
    truth = targets[train:]
    tested_sources = sources[train:]
    probes: dict[str, dict] = {}
    for name, parts in features.items():
        # One fit on the first half of the styles (both sources), scored on the second half's
        # styles of each source.
        predicted = probe_predictions(torch.cat(parts), targets, train, len(FILLS))
        probes[name] = scores_by_source(predicted, truth, tested_sources, FILLS, "fill")
    result["probes"] = probes
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
