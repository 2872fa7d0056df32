"""``drc`` commands that work on files, without the vault: the sticker world, ``compose``
(history images given as files), ``eval`` and ``train``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from drc_desktop.cli.arguments import (
    EXIT_OK,
    EXIT_PARTIAL,
    add_composition_options,
    add_model_options,
    make_folder,
    positive,
    read_json,
    strength,
    write_file,
)
from drc_desktop.core import stickers
from drc_desktop.core.composition import (
    DEFAULT_STRENGTH,
    DEVICE_CHOICES,
    EVAL_CASES_PER_CELL,
    EVAL_METHODS,
)
from drc_desktop.core.errors import InputError
from drc_desktop.core.images import encode_png


def add_commands(commands: argparse._SubParsersAction) -> None:
    _add_stickers_commands(commands)
    _add_compose_command(commands)
    _add_eval_command(commands)
    _add_train_commands(commands)


def _add_stickers_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser(
        "stickers",
        help="the built-in procedural sticker world",
        description="The procedural sticker world, where style and semantics are known exactly.",
    )
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)

    schema = sub.add_parser("schema", help="print the JSON schema of styles and semantics")
    schema.set_defaults(handler=_cmd_stickers_schema)

    render = sub.add_parser("render", help="render one sticker to a PNG file")
    render.add_argument(
        "--style", type=Path, required=True, metavar="STYLE.json", help="style as {FIELD: value}"
    )
    render.add_argument(
        "--semantics",
        type=Path,
        required=True,
        metavar="SEM.json",
        help="semantics as {FIELD: value}",
    )
    render.add_argument("--seed", type=int, default=0, help="jitter seed (default: 0)")
    render.add_argument("--out", type=Path, required=True, metavar="FILE.png", help="output PNG")
    render.set_defaults(handler=_cmd_stickers_render)


def _cmd_stickers_schema(args: argparse.Namespace) -> int:
    print(json.dumps(stickers.schema(), indent=2))
    return EXIT_OK


def _cmd_stickers_render(args: argparse.Namespace) -> int:
    style = stickers.StickerStyle.from_json(read_json(args.style), source=str(args.style))
    semantics = stickers.StickerSemantics.from_json(
        read_json(args.semantics), source=str(args.semantics)
    )
    image = stickers.render(style, semantics, seed=args.seed)
    write_file(args.out, encode_png(image))
    return EXIT_OK


def _add_compose_command(commands: argparse._SubParsersAction) -> None:
    compose = commands.add_parser(
        "compose",
        help="generate images in the history's style with the reference's semantics",
        description="Generate personalized images with the built-in model: the style of the "
        "history images, the semantics (emotion, action) of the reference. History images are "
        "decoded in memory only; DIR receives 000.png, 001.png, ... and nothing else.",
    )
    compose.add_argument(
        "--history",
        nargs="+",
        required=True,
        metavar="FILE_OR_DIR",
        help="images of the style to follow (folders are searched recursively)",
    )
    compose.add_argument("--reference", type=Path, required=True, metavar="FILE")
    compose.add_argument("--out", type=Path, required=True, metavar="DIR")
    add_composition_options(compose, "the history")
    add_model_options(compose)
    compose.set_defaults(handler=_cmd_compose)


def _cmd_compose(args: argparse.Namespace) -> int:
    from drc_desktop.core.errors import ImageError
    from drc_desktop.core.images import collect_image_files, read_image

    history, rejected = [], 0
    for given in args.history:
        try:
            paths = collect_image_files([given])
        except InputError as exc:  # a path that does not exist is one rejected entry
            print(f"rejected: {exc}", file=sys.stderr)
            rejected += 1
            continue
        for path in paths:
            try:
                history.append(read_image(path))
            except ImageError as exc:
                print(f"rejected: {exc}", file=sys.stderr)
                rejected += 1
    if not history:
        raise InputError("the history is empty: no usable image among the --history paths")
    reference = read_image(args.reference)

    from PIL import Image

    from drc_desktop.core.stickers import STICKER_SIZE
    from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR, MiniModel
    from drc_desktop.ml.devices import resolve_device

    device = resolve_device(args.device)
    model = MiniModel.load(args.model or BUILTIN_MODEL_DIR).to(device)
    images = []
    for _, _, result in model.generate(
        history,
        reference,
        n=args.n,
        seed=args.seed,
        steps=args.steps,
        style_strength=args.style_strength,
        semantic_strength=args.semantic_strength,
    ):
        images = result or images
    make_folder(args.out)
    for index, image in enumerate(images):
        image = image.resize((STICKER_SIZE, STICKER_SIZE), Image.Resampling.BICUBIC)
        write_file(args.out / f"{index:03d}.png", encode_png(image))
    return EXIT_PARTIAL if rejected else EXIT_OK


def _add_eval_command(commands: argparse._SubParsersAction) -> None:
    evaluate = commands.add_parser(
        "eval",
        help="measure personalization and guidance collapse on the held-out split",
        description="Evaluate the built-in model's methods on the fixed held-out sticker split "
        "and write a JSON report (schema: docs/evaluation.md).",
    )
    evaluate.add_argument("--suite", choices=("stickers",), required=True)
    evaluate.add_argument("--out", type=Path, required=True, metavar="REPORT.json")
    evaluate.add_argument(
        "--per-cell",
        type=positive,
        default=EVAL_CASES_PER_CELL,
        help=f"cases in each of the 12 cells (default: {EVAL_CASES_PER_CELL})",
    )
    evaluate.add_argument(
        "--methods",
        nargs="+",
        choices=EVAL_METHODS,
        default=list(EVAL_METHODS),
        help="methods to evaluate (default: all)",
    )
    evaluate.add_argument("--steps", type=positive, default=None, help="denoising steps")
    evaluate.add_argument("--seed", type=int, default=0)
    evaluate.add_argument(
        "--split",
        choices=("held-out", "validation"),
        default="held-out",
        help="held-out (the reported numbers) or validation (for choosing settings)",
    )
    evaluate.add_argument("--style-strength", type=strength, default=DEFAULT_STRENGTH, metavar="X")
    evaluate.add_argument(
        "--semantic-strength", type=strength, default=DEFAULT_STRENGTH, metavar="Y"
    )
    add_model_options(evaluate)
    evaluate.set_defaults(handler=_cmd_eval)


def _cmd_eval(args: argparse.Namespace) -> int:
    from drc_desktop.ml.builtin.drc_mini import BUILTIN_MODEL_DIR
    from drc_desktop.ml.builtin.evaluation import EvalSettings, evaluate
    from drc_desktop.ml.devices import resolve_device

    if not args.out.parent.is_dir():
        raise InputError(f"{args.out}: its folder does not exist")
    settings = EvalSettings(
        device=str(resolve_device(args.device)),
        per_cell=args.per_cell,
        methods=tuple(args.methods),
        steps=args.steps,
        seed=args.seed,
        style_strength=args.style_strength,
        semantic_strength=args.semantic_strength,
        split=args.split,
    )

    def progress(method: str, done: int, total: int) -> None:
        print(f"{method}: {done}/{total}", file=sys.stderr, flush=True)

    report = evaluate(args.model or BUILTIN_MODEL_DIR, settings, progress)
    write_file(args.out, (json.dumps(report, indent=2) + "\n").encode())
    print(f"{'method':<16}{'cell':<28}{'style':>8}{'semantic':>10}{'collapse':>10}")
    for name, result in report["methods"].items():
        for cell, summary in {"all": result["all"], **result["cells"]}.items():
            print(
                f"{name:<16}{cell:<28}{summary['style_accuracy']:>8.3f}"
                f"{summary['semantic_accuracy']:>10.3f}{summary['collapse_rate']:>10.3f}"
            )
    print(f"report: {args.out}")
    return EXIT_OK


# ----------------------------------------------------------------------------- train


def _add_train_commands(commands: argparse._SubParsersAction) -> None:
    group = commands.add_parser("train", help="train the built-in model or its judges")
    sub = group.add_subparsers(title="commands", metavar="COMMAND", required=True)
    builtin = sub.add_parser(
        "builtin",
        help="train drc-mini (encoder, towers, fusion, generators) from a seed",
        description="Train every drc-mini component into DIR; rerunning resumes from "
        "DIR/checkpoints with the same result as an uninterrupted run. On a 2-core CPU, two "
        "processes with one thread each (`--methods drc` and `--methods entangled`, same DIR, "
        "the second started once DIR/checkpoints/encoder.safetensors exists) finish first.",
    )
    builtin.add_argument("--out", type=Path, required=True, metavar="DIR")
    builtin.add_argument("--seed", type=int, default=0)
    builtin.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    builtin.add_argument(
        "--methods",
        nargs="+",
        choices=("drc", "entangled"),
        default=["drc", "entangled"],
        help="the generators to train (default: both)",
    )
    builtin.add_argument(
        "--threads", type=positive, default=None, help="torch CPU threads (default: torch's)"
    )
    builtin.add_argument(
        "--no-importance-sampling",
        action="store_true",
        help="stage 1 draws triplets uniformly (ablation)",
    )
    builtin.set_defaults(handler=_cmd_train_builtin)
    judges = sub.add_parser(
        "judges",
        help="train the evaluation judges into a model folder",
        description="Train the judges used by `drc eval` on their own data and seed.",
    )
    judges.add_argument("--out", type=Path, required=True, metavar="DIR")
    judges.add_argument("--seed", type=int, default=0)
    judges.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    judges.set_defaults(handler=_cmd_train_judges)
    profile_adapter = sub.add_parser(
        "profile-adapter",
        help="learn a Stable Diffusion profile's DRC composition from its stored features",
        description="Train the towers and fusion of a profile bound to a Stable Diffusion "
        "model, from the features and variants stored at import (GPU when present); the small "
        "weights are kept in the vault and used by `drc generate --method drc`.",
    )
    profile_adapter.add_argument("name", metavar="NAME", help="the profile")
    profile_adapter.add_argument("--steps", type=positive, default=None)
    profile_adapter.add_argument("--seed", type=int, default=0)
    profile_adapter.add_argument("--device", choices=DEVICE_CHOICES, default="auto")
    profile_adapter.set_defaults(handler=_cmd_train_profile_adapter)


def _cmd_train_builtin(args: argparse.Namespace) -> int:
    import torch

    from drc_desktop.ml.builtin.training import TrainConfig, train_builtin
    from drc_desktop.ml.devices import resolve_device

    if args.threads is not None:
        torch.set_num_threads(args.threads)
    config = TrainConfig(seed=args.seed, methods=tuple(args.methods))
    config.importance.enabled = not args.no_importance_sampling
    train_builtin(args.out, config, device=resolve_device(args.device))
    print(f"model: {args.out}")
    return EXIT_OK


def _cmd_train_profile_adapter(args: argparse.Namespace) -> int:
    from drc_desktop.cli.vault import unlocked_vault
    from drc_desktop.services.adapters import train_for_profile

    with unlocked_vault() as vault:
        report = train_for_profile(
            vault, args.name, device=args.device, steps=args.steps, seed=args.seed
        )
    print(
        f"trained {args.name!r}: {report['items']} images, {report['steps']} steps, loss "
        f"{report['first_loss']} -> {report['final_loss']} in {report['seconds']} s"
    )
    return EXIT_OK


def _cmd_train_judges(args: argparse.Namespace) -> int:
    from drc_desktop.ml.builtin.training import judges_file, train_judges
    from drc_desktop.ml.devices import resolve_device

    train_judges(args.out, seed=args.seed, device=str(resolve_device(args.device)))
    print(f"judges: {args.out / judges_file(args.seed)}")
    return EXIT_OK
