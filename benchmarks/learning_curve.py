"""The learning curve of drc-mini's stage 2: validation accuracy of the EMA snapshots.

``drc train builtin`` keeps the EMA generator every ``snapshot_every`` steps under
``OUT/checkpoints/curve/METHOD-STEP.safetensors``. This script evaluates each snapshot of the
``drc`` generator on the validation split (never the held-out split), as ``drc`` and as
``oracle`` (the same generator fed the parts of the clean target), and prints one JSON object:
``{"points": [{"step", "method", "semantic_accuracy", "style_accuracy", "collapse_rate"}]}``.

    PYTHONPATH=. python benchmarks/learning_curve.py --model resources/models/drc-mini \
        --snapshots out/drc-mini-v2/checkpoints/curve
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import torch

from drc_desktop.ml.builtin.drc_mini import generator_file
from drc_desktop.ml.builtin.evaluation import EvalSettings, evaluate
from drc_desktop.ml.model_files import write_manifest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="model folder with judges")
    parser.add_argument("--snapshots", type=Path, required=True, help="checkpoints/curve folder")
    parser.add_argument("--per-cell", type=int, default=5, help="validation cases per cell")
    parser.add_argument("--steps", type=int, default=None, help="denoising steps")
    parser.add_argument(
        "--from-step",
        type=int,
        default=0,
        help="only the snapshots of this step and later (to extend a curve)",
    )
    args = parser.parse_args()
    torch.set_flush_denormal(True)
    snapshots = [
        path
        for path in sorted(args.snapshots.glob("drc-*.safetensors"))
        if int(path.stem.split("-")[1]) >= args.from_step
    ]
    if not snapshots:
        parser.error(
            f"{args.snapshots}: no drc-STEP.safetensors snapshots from step {args.from_step}"
        )
    points = []
    with tempfile.TemporaryDirectory() as scratch:
        trial = Path(scratch) / "model"
        ignore = shutil.ignore_patterns("checkpoints", "generator-entangled.safetensors")
        shutil.copytree(args.model, trial, ignore=ignore)
        for snapshot in snapshots:
            step = int(snapshot.stem.split("-")[1])
            shutil.copy(snapshot, trial / generator_file("drc"))
            write_manifest(trial)
            settings = EvalSettings(
                per_cell=args.per_cell,
                methods=("drc", "oracle"),
                split="validation",
                steps=args.steps,
            )
            report = evaluate(trial, settings)
            for method, result in report["methods"].items():
                summary = result["all"]
                points.append(
                    {
                        "step": step,
                        "method": method,
                        **{
                            k: summary[k]
                            for k in ("semantic_accuracy", "style_accuracy", "collapse_rate")
                        },
                    }
                )
                print(json.dumps(points[-1]), file=sys.stderr, flush=True)
    print(json.dumps({"split": "validation", "per_cell": args.per_cell, "points": points}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
