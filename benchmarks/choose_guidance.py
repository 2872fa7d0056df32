"""Choose drc-mini's guidance weights on the validation split (never the held-out split).

For each (style_guidance, semantic_guidance) pair and each reference view (what the SemTower
reads of the reference, ``REFERENCE_VIEWS``; default: the model's), evaluates the ``drc`` method on
``validation_cases`` (every cell of the v2 split) and scores
``style_accuracy + semantic_accuracy - collapse_rate`` over all cases. Prints one JSON
object with every result and the best; ``--write`` stores the best pair and view in the model
folder's config.json and refreshes its manifest.

    PYTHONPATH=. python benchmarks/choose_guidance.py --model resources/models/drc-mini --write
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch

from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, REFERENCE_VIEWS, MiniConfig
from drc_desktop.ml.builtin.evaluation import EvalSettings, evaluate
from drc_desktop.ml.model_files import CONFIG, write_manifest

GRID = ((1.5, 2.0), (2.0, 2.0), (2.0, 3.0), (3.0, 3.0), (2.0, 4.0), (3.0, 4.0))


def with_guidance(folder: Path, style: float, semantic: float, view: str | None = None) -> None:
    config = MiniConfig.from_file(folder / CONFIG)
    config = dataclasses.replace(
        config,
        style_guidance=style,
        semantic_guidance=semantic,
        reference_view=view or config.reference_view,
    )
    (folder / CONFIG).write_text(config.to_json())
    write_manifest(folder)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=BUILTIN_MODEL_DIR)
    parser.add_argument("--per-cell", type=int, default=10, help="validation cases per cell")
    parser.add_argument("--write", action="store_true", help="store the best pair in the model")
    parser.add_argument(
        "--pairs",
        nargs="+",
        default=[f"{a},{b}" for a, b in GRID],
        metavar="STYLE,SEMANTIC",
        help="the guidance pairs to try (default: the grid above)",
    )
    parser.add_argument(
        "--views",
        nargs="+",
        choices=REFERENCE_VIEWS,
        default=[None],
        help="the reference views to try with every pair (default: the model's)",
    )
    parser.add_argument(
        "--steps", type=int, default=None, help="denoising steps (default: the model's)"
    )
    args = parser.parse_args()
    torch.set_flush_denormal(True)
    results = []
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "model"
        shutil.copytree(args.model, trial, ignore=shutil.ignore_patterns("checkpoints"))
        pairs = [tuple(map(float, pair.split(","))) for pair in args.pairs]
        trials = [(*pair, view) for view in args.views for pair in pairs]
        for style, semantic, view in trials:
            with_guidance(trial, style, semantic, view)
            view = MiniConfig.from_file(trial / CONFIG).reference_view
            settings = EvalSettings(
                per_cell=args.per_cell, methods=("drc",), split="validation", steps=args.steps
            )
            scores = evaluate(trial, settings)["methods"]["drc"]["all"]
            score = scores["style_accuracy"] + scores["semantic_accuracy"] - scores["collapse_rate"]
            results.append(
                {
                    "style_guidance": style,
                    "semantic_guidance": semantic,
                    "reference_view": view,
                    "score": round(score, 4),
                    **{k: v for k, v in scores.items() if not isinstance(v, list)},
                }
            )
            print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    best = max(results, key=lambda r: r["score"])
    if args.write:
        with_guidance(
            args.model, best["style_guidance"], best["semantic_guidance"], best["reference_view"]
        )
    print(
        json.dumps(
            {
                "split": "validation",
                "per_cell": args.per_cell,
                "steps": args.steps,
                "results": results,
                "best": best,
                "written": args.write,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
