"""The recipe: every stage in order, each resumed from ``OUT/checkpoints/`` when done."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

import torch

from drc_desktop.core.errors import InputError
from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.autoencoder import StickerAutoencoder
from drc_desktop.ml.builtin.sticker_data import (
    TRAIN_COMBINATIONS,
    render_pool,
)
from drc_desktop.ml.builtin.training.attributes import encode_pool, pretrain_encoder
from drc_desktop.ml.builtin.training.autoencoder import train_autoencoder
from drc_desktop.ml.builtin.training.config import TrainConfig, jsonable, stage_seed
from drc_desktop.ml.builtin.training.stage1 import Stage1Model, train_stage1
from drc_desktop.ml.builtin.training.stage2 import store_half_precision, train_stage2
from drc_desktop.ml.model_files import CONFIG, load_weights, save_weights, write_manifest

# Settings of the model that only inference reads (chosen on the validation split after
# training): checkpoints made before one of them changed, or existed, still resume.
_INFERENCE_ONLY = ("style_guidance", "semantic_guidance", "default_steps", "reference_view")


def _recipe(train: TrainConfig, config: drc_mini.MiniConfig) -> dict:
    """What a checkpoint folder's weights depend on."""
    settings = jsonable(asdict(train))
    # ``methods`` only selects which generators this run trains (two processes may train one
    # each from the same folder).
    for extendable in (
        "stage2_steps", "stage2_restarts", "stage2_restart_scale", "checkpoint_every", "methods"
    ):  # fmt: skip
        settings.pop(extendable)
    return {"train": settings, "model": jsonable(asdict(config))}


def _training_part(recipe: dict) -> dict:
    """A stamped or current recipe without the model's inference-only settings."""
    model = {k: v for k, v in recipe.get("model", {}).items() if k not in _INFERENCE_ONLY}
    return {"train": recipe.get("train"), "model": model}


def _check_resumable(checkpoints: Path, train: TrainConfig, config: drc_mini.MiniConfig) -> None:
    """Checkpoints are reused only by the settings that made them (``InputError`` otherwise);
    the stage-2 step count, learning-rate cycles and checkpoint interval may change (to extend
    a training: the steps already done keep their weights), and so may the model's
    inference-only settings (``_INFERENCE_ONLY``)."""
    recipe = _recipe(train, config)
    stamp = checkpoints / "recipe.json"
    if stamp.is_file():
        try:
            stamped = json.loads(stamp.read_text())
        except (OSError, ValueError):
            stamped = None
        if not isinstance(stamped, dict) or _training_part(stamped) != _training_part(recipe):
            raise InputError(
                f"{checkpoints}: these checkpoints were made with other training settings; "
                "use another --out folder (or delete it) to train with these"
            )
    stamp.write_text(json.dumps(recipe, sort_keys=True))


def train_builtin(
    out: Path,
    train: TrainConfig | None = None,
    config: drc_mini.MiniConfig | None = None,
    device: torch.device | str = "cpu",
    progress: Callable[[str], None] | None = None,
) -> Path:
    """Train every component into the model folder ``out`` (resuming from its checkpoints),
    on ``device`` (random draws stay on the CPU, so a seed gives the same batches anywhere).
    ``progress`` is told each stage's name as it starts."""
    train = train or TrainConfig()
    config = config or drc_mini.MiniConfig()
    torch.set_flush_denormal(True)
    checkpoints = out / "checkpoints"
    checkpoints.mkdir(parents=True, exist_ok=True)
    _check_resumable(checkpoints, train, config)
    report_file = checkpoints / "training-report.json"
    report: dict = {"train_config": jsonable(asdict(train))}
    seconds: dict[str, float] = {}
    tell = progress or (lambda stage: None)

    def save_report() -> None:
        # Merge with what another process training the other method wrote meanwhile.
        stored = json.loads(report_file.read_text()) if report_file.is_file() else {}
        stored.update(report)
        stored["seconds"] = {**stored.get("seconds", {}), **seconds}
        report_file.write_text(json.dumps(stored, indent=2))

    started = time.perf_counter()
    tell("render")
    pool = render_pool(train.pool_styles, seed=train.seed, combinations=TRAIN_COMBINATIONS)
    pool.images = pool.images.to(device)
    seconds["render"] = round(time.perf_counter() - started, 1)

    space = drc_mini.build_space(config).to(device)
    done = checkpoints / drc_mini.AUTOENCODER_FILE
    if isinstance(space, StickerAutoencoder):
        if done.is_file():
            load_weights(done, {"autoencoder": space})
        else:
            tell("autoencoder")
            t = time.perf_counter()
            torch.manual_seed(stage_seed(train.seed, "autoencoder"))
            space = drc_mini.build_space(config).to(device)
            space, curve = train_autoencoder(
                space, pool, train.autoencoder_steps, train.autoencoder_batch,
                torch.Generator().manual_seed(stage_seed(train.seed, "autoencoder")),
            )  # fmt: skip
            space, decoder_curve = train_autoencoder(
                space, pool, train.decoder_steps, train.autoencoder_batch,
                torch.Generator().manual_seed(stage_seed(train.seed, "decoder")),
                decoder_only=True,
            )  # fmt: skip
            save_weights(done, {"autoencoder": space})
            report["autoencoder_loss"] = curve
            report["decoder_loss"] = decoder_curve
            seconds["autoencoder"] = round(time.perf_counter() - t, 1)
            save_report()
        space.eval().requires_grad_(False)
        save_weights(out / drc_mini.AUTOENCODER_FILE, {"autoencoder": space})

    net = drc_mini.build_encoder_net(config).to(device)
    done = checkpoints / "encoder.safetensors"
    if done.is_file():
        load_weights(done, {"encoder": net})
    else:
        tell("encoder")
        t = time.perf_counter()
        torch.manual_seed(stage_seed(train.seed, "encoder"))
        net = pretrain_encoder(drc_mini.build_encoder_net(config).to(device), pool, train)
        save_weights(done, {"encoder": net})
        seconds["encoder"] = round(time.perf_counter() - t, 1)
        save_report()
    net.eval().requires_grad_(False)

    tokens = encode_pool(net, pool)
    stage1 = None
    done = checkpoints / "stage1.safetensors"
    if done.is_file():
        stage1 = Stage1Model(config).to(device)
        load_weights(done, {"stage1": stage1})
    elif "drc" in train.methods:
        tell("stage1")
        t = time.perf_counter()
        stage1, curve = train_stage1(config, train, net, pool, tokens)
        save_weights(done, {"stage1": stage1})
        report["stage1_swapped_loss"] = curve
        seconds["stage1"] = round(time.perf_counter() - t, 1)
        save_report()
    if stage1 is not None:
        stage1.requires_grad_(False)
        save_weights(out / "disentangler.safetensors", {"disentangler": stage1.disentangler})

    for method in train.methods:
        tell(f"stage2-{method}")
        t = time.perf_counter()
        bundle, losses = train_stage2(
            method,
            config,
            train,
            net,
            space,
            None if stage1 is None else stage1.disentangler,
            None if stage1 is None else stage1.fusion,
            pool,
            tokens,
            checkpoints,
        )
        save_weights(
            out / drc_mini.generator_file(method),
            {"unet": bundle.unet, "conditioner": bundle.conditioner},
        )
        store_half_precision(out / drc_mini.generator_file(method))
        report[f"stage2_{method}_loss"] = losses
        seconds[f"stage2_{method}"] = round(time.perf_counter() - t, 1)
        save_report()

    save_weights(out / "encoder.safetensors", {"encoder": net})
    (out / CONFIG).write_text(config.to_json())
    seconds["total_this_run"] = round(time.perf_counter() - started, 1)
    save_report()
    (out / "training.json").write_text(json.dumps(jsonable(asdict(train)), indent=2) + "\n")
    write_manifest(out)
    return out
