"""How much of a reference's expression each reference view lets through (docs/method.md,
"The reference at inference").

Renders every semantics in ``--styles`` random styles (both palette sources, every
combination), reads each image as the model's encoder and SemTower would at inference, and
fits a linear probe of the emotion on half of the styles, scored on the other half. Rows:
the encoder tokens of the clean image and of one semantic-preserving variant, and the
SemTower's semantic part under each ``REFERENCE_VIEWS``. Prints one JSON object.

    PYTHONPATH=. python benchmarks/probe_reference_views.py --model resources/models/drc-mini
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
import sys
from collections import Counter
from pathlib import Path

import torch
import torch.nn.functional as F

from drc_desktop.core import stickers
from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, REFERENCE_VIEWS, MiniModel
from drc_desktop.ml.builtin.sticker_data import ALL_COMBINATIONS, images_to_tensor

SEMANTICS = [stickers.StickerSemantics(e, a) for e in stickers.EMOTIONS for a in stickers.ACTIONS]


def probe_predictions(
    features: torch.Tensor, labels: torch.Tensor, train: int, classes: int
) -> torch.Tensor:
    """Softmax regression of ``labels`` (class indices below ``classes``) fitted on the first
    ``train`` rows of ``features`` ``[N, F]``; the predicted classes of the other rows."""
    mean, std = features[:train].mean(0), features[:train].std(0) + 1e-6
    x = (features - mean) / std
    weight = torch.zeros(x.shape[1], classes, requires_grad=True)
    bias = torch.zeros(classes, requires_grad=True)
    optimizer = torch.optim.Adam([weight, bias], lr=1e-2)
    for _ in range(300):
        loss = F.cross_entropy(x[:train] @ weight + bias, labels[:train])
        loss = loss + 1e-3 * weight.pow(2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        return (x[train:] @ weight + bias).argmax(1)


def probe_scores(
    predicted: torch.Tensor, truth: torch.Tensor, classes: tuple[str, ...], name: str
) -> dict:
    """``{NAME_accuracy, top_confusions}`` of predicted against true class indices."""
    confusions = Counter(
        f"{classes[t]}->{classes[p]}"
        for t, p in zip(truth.tolist(), predicted.tolist(), strict=True)
        if t != p
    )
    return {
        f"{name}_accuracy": round(float((predicted == truth).float().mean()), 4),
        "top_confusions": dict(confusions.most_common(4)),
    }


def scores_by_source(
    predicted: torch.Tensor,
    truth: torch.Tensor,
    sources: list[str],
    classes: tuple[str, ...],
    name: str,
) -> dict[str, dict]:
    """``probe_scores`` over all scored rows and over the rows of each palette source
    (``sources[i]`` is row i's)."""
    scores = {}
    for source in ("all", *stickers.PALETTE_SOURCES):
        keep = torch.tensor([source in ("all", s) for s in sources])
        scores[source] = probe_scores(predicted[keep], truth[keep], classes, name)
    return scores


def linear_probe(features: torch.Tensor, labels: torch.Tensor, train: int) -> dict:
    """The emotion probe: fitted on the first ``train`` rows, scored on the rest."""
    predicted = probe_predictions(features, labels, train, len(stickers.EMOTIONS))
    return probe_scores(predicted, labels[train:], stickers.EMOTIONS, "emotion")


def probe_setup(
    doc: str, styles: int, seed: int
) -> tuple[argparse.Namespace, MiniModel, random.Random]:
    """The probes' command line (``--model``, ``--styles``, ``--seed``, with these defaults),
    the model it names (no generators) and the seeded random stream of the styles."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--model", type=Path, default=BUILTIN_MODEL_DIR)
    parser.add_argument("--styles", type=int, default=styles)
    parser.add_argument("--seed", type=int, default=seed)
    args = parser.parse_args()
    torch.set_flush_denormal(True)
    return args, MiniModel.load(args.model, methods=()), random.Random(args.seed)


def main() -> int:
    args, model, rng = probe_setup(__doc__, styles=120, seed=77)
    features: dict[str, list[torch.Tensor]] = {}
    labels = []
    views = {
        view: MiniModel(
            dataclasses.replace(model.config, reference_view=view),
            model.encoder,
            {},
            model.disentangler,
            model.space,
        )
        for view in REFERENCE_VIEWS
    }
    with torch.no_grad():
        for _ in range(args.styles):
            style = stickers.sample_style(rng, ALL_COMBINATIONS, "mixed")
            images = images_to_tensor(
                [stickers.render(style, s, seed=rng.getrandbits(20)) for s in SEMANTICS]
            )
            labels += [stickers.EMOTIONS.index(s.emotion) for s in SEMANTICS]
            seed = rng.getrandbits(31)
            variant, _ = views["variants"].reference_variants(
                images, torch.Generator().manual_seed(seed)
            )
            rows = {
                "encoder tokens, clean image": model.encode_tensor(images).tokens,
                "encoder tokens, one variant": variant,
            }
            for view, view_model in views.items():
                query, partner = view_model.reference_variants(
                    images, torch.Generator().manual_seed(seed)
                )
                rows[f"semantic part, {view}"] = model.disentangler.semantics_of_reference(
                    query, partner
                )
            for name, value in rows.items():
                features.setdefault(name, []).append(value.flatten(1))
    targets = torch.tensor(labels)
    train = len(targets) // 2
    result = {
        "styles": args.styles,
        "chance": round(1 / len(stickers.EMOTIONS), 4),
        "probes": {
            name: linear_probe(torch.cat(parts), targets, train) for name, parts in features.items()
        },
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
