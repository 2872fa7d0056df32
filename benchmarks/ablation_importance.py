"""Ablation: stage 1 with and without difficulty-aware importance sampling (docs/method.md).

Trains the towers + fusion twice from the same seed, encoder and pool (only the sampler
differs) and measures, on validation triplets drawn uniformly over cells from a pool the
training never saw:

- ``swapped_loss``: the swapped-composition reconstruction loss (the stage-1 objective);
- ``worst_cells_loss``: its mean over the 10 % hardest cells (what importance sampling targets);
- ``leakage``: how well a nearest-centroid probe reads the *semantics* class from the style
  part and the *style combination* from the semantic part (lower is better; chance is
  1/18 and 1/40).

Prints one JSON object. Usage:
    PYTHONPATH=. python benchmarks/ablation_importance.py --checkpoints DIR/checkpoints
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

import torch

from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.sticker_data import TRAIN_COMBINATIONS, render_pool
from drc_desktop.ml.builtin.training import TrainConfig
from drc_desktop.ml.builtin.training.attributes import encode_pool
from drc_desktop.ml.builtin.training.config import SEMANTICS_COUNT
from drc_desktop.ml.builtin.training.stage1 import stage1_losses, train_stage1
from drc_desktop.ml.model_files import load_weights

VALIDATION_POOL_SEED = 4_242


def nearest_centroid_accuracy(features: torch.Tensor, labels: torch.Tensor) -> float:
    """Fit class centroids on the first half, classify the second half."""
    half = len(features) // 2
    train_x, train_y, test_x, test_y = (
        features[:half],
        labels[:half],
        features[half:],
        labels[half:],
    )
    classes = train_y.unique()
    centroids = torch.stack([train_x[train_y == c].mean(0) for c in classes])
    predicted = classes[torch.cdist(test_x, centroids).argmin(1)]
    return (predicted == test_y).float().mean().item()


@torch.no_grad()
def measure(model, encoder, pool, tokens, seed: int) -> dict[str, float]:
    random.seed(seed)
    generator = torch.Generator().manual_seed(seed)
    styles = torch.arange(pool.num_styles).repeat_interleave(SEMANTICS_COUNT)
    semantics = torch.arange(SEMANTICS_COUNT).repeat(pool.num_styles)
    swapped, _ = stage1_losses(model, encoder, pool, tokens, styles, semantics, generator, 0.0)
    combos = torch.tensor([TRAIN_COMBINATIONS.index(pool.styles[i].combination) for i in styles])
    cells = combos * SEMANTICS_COUNT + semantics
    per_cell = torch.zeros(len(TRAIN_COMBINATIONS) * SEMANTICS_COUNT).index_add_(0, cells, swapped)
    count = torch.zeros_like(per_cell).index_add_(0, cells, torch.ones_like(swapped))
    per_cell = per_cell[count > 0] / count[count > 0]
    worst = per_cell.sort(descending=True).values[: max(1, len(per_cell) // 10)]
    order = torch.randperm(len(styles), generator=generator)
    anchor = tokens[styles, semantics]
    style_part = model.disentangler.style_tower(anchor, anchor).mean(1)
    sem_part = model.disentangler.sem_tower(anchor, anchor).mean(1)
    return {
        "swapped_loss": round(swapped.mean().item(), 5),
        "worst_cells_loss": round(worst.mean().item(), 5),
        "semantics_read_from_style_part": round(
            nearest_centroid_accuracy(style_part[order], semantics[order]), 4
        ),
        "combination_read_from_semantic_part": round(
            nearest_centroid_accuracy(sem_part[order], combos[order]), 4
        ),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoints", type=Path, required=True, help="a training's checkpoints")
    parser.add_argument("--steps", type=int, default=TrainConfig().stage1_steps)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    torch.set_flush_denormal(True)
    config = drc_mini.MiniConfig()
    encoder = drc_mini.build_encoder_net(config)
    load_weights(args.checkpoints / "encoder.safetensors", {"encoder": encoder})
    encoder.eval().requires_grad_(False)
    train_config = TrainConfig(seed=args.seed, stage1_steps=args.steps)
    pool = render_pool(train_config.pool_styles, seed=args.seed)
    tokens = encode_pool(encoder, pool)
    validation = render_pool(120, seed=VALIDATION_POOL_SEED)
    validation_tokens = encode_pool(encoder, validation)
    result: dict[str, object] = {"steps": args.steps, "seed": args.seed}
    for enabled in (True, False):
        train_config.importance.enabled = enabled
        random.seed(args.seed)
        torch.manual_seed(args.seed)
        started = time.perf_counter()
        model, _ = train_stage1(
            config, train_config, encoder, pool, tokens, torch.Generator().manual_seed(args.seed)
        )
        name = "importance_sampling" if enabled else "uniform"
        result[name] = measure(model, encoder, validation, validation_tokens, seed=1)
        result[name]["train_seconds"] = round(time.perf_counter() - started, 1)
        print(f"{name}: {result[name]}", file=sys.stderr, flush=True)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
