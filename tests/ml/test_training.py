"""Specification of ``drc train builtin``: a loadable model folder, resumable stages, and
training steps that actually learn."""

from __future__ import annotations

import dataclasses
import itertools
import json
import math
import random
import shutil

import pytest
import torch

from drc_desktop.core.errors import InputError
from drc_desktop.ml.builtin import drc_mini
from drc_desktop.ml.builtin.drc_mini import MiniConfig, MiniModel
from drc_desktop.ml.builtin.generator import training_scheduler
from drc_desktop.ml.builtin.sticker_data import render_pool
from drc_desktop.ml.builtin.training import TrainConfig, stage2, train_builtin, train_judges
from drc_desktop.ml.builtin.training.attributes import attribute_targets, encode_pool
from drc_desktop.ml.builtin.training.config import SEMANTICS_COUNT
from drc_desktop.ml.builtin.training.stage1 import Stage1Model, probe_loss, stage1_losses
from drc_desktop.ml.builtin.training.stage2 import GeneratorBundle, Stage2Batch, stage2_step_loss
from drc_desktop.ml.drc.disentangler import Disentangler
from drc_desktop.ml.model_files import sha256_of

MODEL_FILES = (
    "config.json",
    "encoder.safetensors",
    "disentangler.safetensors",
    "generator-drc.safetensors",
    "generator-entangled.safetensors",
    "manifest.json",
)


# ----------------------------------------------------------------------------- whole run


def test_training_writes_a_complete_model_folder(trained_model_dir):
    for name in MODEL_FILES:
        assert (trained_model_dir / name).is_file(), name


def test_trained_folder_loads_with_both_methods(trained_model_dir, tiny_config):
    model = MiniModel.load(trained_model_dir, methods=("drc", "entangled"))
    assert set(model.generators) == {"drc", "entangled"}
    assert model.config == tiny_config
    assert model.encoder.token_dim == tiny_config.token_dim


def test_training_config_is_saved_with_the_model(trained_model_dir):
    saved = json.loads((trained_model_dir / "training.json").read_text())
    tiny = TrainConfig.tiny()
    assert saved["stage2_steps"] == tiny.stage2_steps
    assert saved["methods"] == list(tiny.methods)
    assert saved["importance"]["enabled"] == tiny.importance.enabled


def test_a_finished_run_resumes_without_retraining(trained_model_dir, tiny_config, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    before = {name: sha256_of(folder / name) for name in MODEL_FILES if name != "manifest.json"}
    stages: list[str] = []

    train_builtin(folder, TrainConfig.tiny(), tiny_config, progress=stages.append)

    assert not {"encoder", "stage1"} & set(stages)
    for method in TrainConfig.tiny().methods:
        state = json.loads((folder / "checkpoints" / f"stage2-{method}.json").read_text())
        assert state["step"] == TrainConfig.tiny().stage2_steps
    after = {name: sha256_of(folder / name) for name in before}
    assert after == before
    MiniModel.load(folder, methods=("drc", "entangled"))


def test_a_run_with_the_full_encoder_design_trains_and_loads_that_design(tiny_config, tmp_path):
    config = dataclasses.replace(tiny_config, encoder_design="full")
    train_builtin(tmp_path, dataclasses.replace(TrainConfig.tiny(), methods=("drc",)), config)
    model = MiniModel.load(tmp_path)
    assert model.config.encoder_design == "full"
    assert model.encoder.net.statistics is not None and model.encoder.net.mixer is not None
    # The design is part of the recipe: the same folder refuses the other one.
    with pytest.raises(InputError, match="other training settings"):
        train_builtin(tmp_path, TrainConfig.tiny(), tiny_config)


def test_a_longer_run_continues_stage2_from_its_checkpoint(tiny_config, tmp_path):
    short = dataclasses.replace(TrainConfig.tiny(), methods=("drc",), stage2_steps=2)
    train_builtin(tmp_path, short, tiny_config)
    longer = dataclasses.replace(short, stage2_steps=4)

    train_builtin(tmp_path, longer, tiny_config)

    state = json.loads((tmp_path / "checkpoints" / "stage2-drc.json").read_text())
    assert state["step"] == 4
    # One loss entry per finished run segment: a fresh run to step 4 would record only one.
    assert len(state["losses"]) == 2


def test_an_interrupted_run_resumes_to_the_weights_of_an_uninterrupted_one(
    tiny_config, tmp_path, monkeypatch
):
    recipe = dataclasses.replace(TrainConfig.tiny(), methods=("drc",), stage2_steps=4)
    train_builtin(tmp_path / "straight", recipe, tiny_config)
    calls = {"count": 0}
    real_loss = stage2.stage2_step_loss

    def interrupted(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 4:  # step 3, after the checkpoint at step 2
            raise KeyboardInterrupt
        return real_loss(*args, **kwargs)

    monkeypatch.setattr(stage2, "stage2_step_loss", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_builtin(tmp_path / "resumed", recipe, tiny_config)
    monkeypatch.setattr(stage2, "stage2_step_loss", real_loss)
    train_builtin(tmp_path / "resumed", recipe, tiny_config)

    for name in ("generator-drc.safetensors", "disentangler.safetensors", "encoder.safetensors"):
        assert sha256_of(tmp_path / "resumed" / name) == sha256_of(tmp_path / "straight" / name)


@pytest.mark.parametrize(
    ("stage_function", "failing_call"),
    [
        ("train_autoencoder", 2),  # stage 0's decoder-alone phase, after the joint phase
        ("pretrain_encoder", 1),  # the encoder
        ("train_stage1", 1),
    ],
)
def test_a_run_interrupted_before_stage2_resumes_to_the_weights_of_an_uninterrupted_one(
    stage_function, failing_call, tiny_config, tmp_path, monkeypatch
):
    """Stages 0 and 1 keep a checkpoint only once they finish; a run stopped inside one
    retrains it from its own seed, so nothing depends on what the stopped process drew."""
    from drc_desktop.ml.builtin.training import recipe

    train = dataclasses.replace(TrainConfig.tiny(), methods=("drc",))
    train_builtin(tmp_path / "straight", train, tiny_config)
    real = getattr(recipe, stage_function)
    calls = {"count": 0}

    def interrupted(*args, **kwargs):
        calls["count"] += 1
        if calls["count"] == failing_call:
            torch.rand(1000)  # the stopped process has moved the global random stream
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(recipe, stage_function, interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_builtin(tmp_path / "resumed", train, tiny_config)
    monkeypatch.setattr(recipe, stage_function, real)
    train_builtin(tmp_path / "resumed", train, tiny_config)

    for name in (
        drc_mini.AUTOENCODER_FILE,
        "encoder.safetensors",
        "disentangler.safetensors",
        "generator-drc.safetensors",
    ):
        assert sha256_of(tmp_path / "resumed" / name) == sha256_of(tmp_path / "straight" / name)


def test_two_processes_may_train_one_method_each_from_one_folder(tiny_config, tmp_path):
    drc_only = dataclasses.replace(TrainConfig.tiny(), methods=("drc",))
    train_builtin(tmp_path, drc_only, tiny_config)
    stages: list[str] = []
    train_builtin(
        tmp_path, dataclasses.replace(drc_only, methods=("entangled",)), tiny_config,
        progress=stages.append,
    )  # fmt: skip
    assert "stage1" not in stages and "encoder" not in stages
    MiniModel.load(tmp_path, methods=("drc", "entangled"))


def test_training_judges_into_a_model_folder_keeps_it_verifiable(trained_model_dir, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    train_judges(folder, seed=0, styles=2, steps=2)
    assert (folder / "judges.safetensors").is_file()
    MiniModel.load(folder)  # verifies the refreshed manifest


def test_the_model_folder_does_not_hold_judges_trained_with_it(trained_model_dir):
    # The judges grade the model; they are trained by their own command, never with it.
    assert not (trained_model_dir / "judges.safetensors").exists()


# ----------------------------------------------------------------------------- stage 1


@pytest.fixture(scope="module")
def stage1_setup(tiny_config):
    torch.manual_seed(0)
    pool = render_pool(3, seed=0)
    encoder = drc_mini.build_encoder_net(tiny_config).eval().requires_grad_(False)
    return Stage1Model(tiny_config), encoder, pool, encode_pool(encoder, pool)


def run_stage1_losses(setup, seed: int = 0):
    model, encoder, pool, tokens = setup
    random.seed(seed)
    styles = torch.tensor([0, 1, 2, 0, 1])
    semantics = torch.tensor([0, 5, SEMANTICS_COUNT - 1, 3, 9])
    generator = torch.Generator().manual_seed(seed)
    return stage1_losses(
        model, encoder, pool, tokens, styles, semantics, generator, random.Random(seed), 0.15
    )


def test_stage1_losses_are_per_sample(stage1_setup):
    for seed in range(4):  # covers both semantic-pair branches
        swap_loss, own_loss, style_part, semantic_part = run_stage1_losses(stage1_setup, seed)
        assert (
            style_part.shape
            == semantic_part.shape
            == (5, 16, stage1_setup[0].fusion.queries.shape[2])
        )
        assert swap_loss.shape == (5,)
        assert own_loss.shape == (5,)
        assert torch.isfinite(swap_loss).all()
        assert (swap_loss > 0).all()
        assert (own_loss > 0).all()


def test_stage1_trains_towers_fusion_and_decoder(stage1_setup):
    model = stage1_setup[0]
    model.zero_grad()
    swap_loss, own_loss, style_part, semantic_part = run_stage1_losses(stage1_setup)
    model, _, pool, _ = stage1_setup
    targets = {k: v[torch.tensor([0, 1, 2, 0, 1]), torch.tensor([0, 5, 17, 3, 9])]
               for k, v in attribute_targets(pool).items()}  # fmt: skip
    probes = probe_loss(model, style_part, semantic_part, targets)
    assert probes.shape == (5,)
    (swap_loss + own_loss + probes).mean().backward()
    names = ("disentangler.style_tower", "disentangler.sem_tower", "fusion", "decoder")
    for name in (*names, "style_probe", "semantic_probe"):
        part = model.get_submodule(name)
        grads = [p.grad for p in part.parameters() if p.grad is not None]
        assert grads, name
        assert sum(g.abs().sum() for g in grads) > 0, name
    model.zero_grad()


# ----------------------------------------------------------------------------- stage 2


def fixed_batch(config: MiniConfig) -> Stage2Batch:
    generator = torch.Generator().manual_seed(0)
    tokens, dim = config.num_tokens, config.token_dim
    return Stage2Batch(
        target=drc_mini.build_space(config)
        .encode(torch.rand(4, 3, config.resolution, config.resolution, generator=generator))
        .detach(),
        history=torch.randn(4, 2, tokens, dim, generator=generator),
        reference=torch.randn(4, tokens, dim, generator=generator),
        partner=torch.randn(4, tokens, dim, generator=generator),
    )


def drc_bundle(config: MiniConfig) -> GeneratorBundle:
    torch.manual_seed(0)
    disentangler = drc_mini.build_disentangler(config)
    return GeneratorBundle(*drc_mini.build_generator(config, "drc", disentangler))


def fixed_loss(bundle: GeneratorBundle, data: Stage2Batch) -> torch.Tensor:
    """The stage-2 loss with the same noise, timesteps and dropout every call."""
    generator = torch.Generator().manual_seed(123)
    return stage2_step_loss(bundle, data, TrainConfig.tiny(), generator, training_scheduler())


def test_stage2_steps_reduce_the_loss_on_a_fixed_batch(tiny_config):
    bundle = drc_bundle(tiny_config).train()
    data = fixed_batch(tiny_config)
    trainable = [p for p in bundle.parameters() if p.requires_grad]
    optimizer = torch.optim.Adam(trainable, lr=3e-3)
    with torch.no_grad():
        initial = fixed_loss(bundle, data).item()
    for _ in range(60):
        loss = fixed_loss(bundle, data)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        final = fixed_loss(bundle, data).item()
    assert final < 0.7 * initial


def test_stage2_trains_unet_and_fusion_but_never_the_frozen_disentangler(tiny_config):
    bundle = drc_bundle(tiny_config)
    fixed_loss(bundle, fixed_batch(tiny_config)).backward()
    conditioner = bundle.conditioner
    assert isinstance(conditioner.disentangler, Disentangler)
    assert all(p.grad is None for p in conditioner.disentangler.parameters())
    for part in (bundle.unet, conditioner.fusion):
        assert sum(p.grad.abs().sum() for p in part.parameters() if p.grad is not None) > 0


def test_stage2_loss_is_a_scalar_mean_squared_error(tiny_config):
    loss = fixed_loss(drc_bundle(tiny_config), fixed_batch(tiny_config))
    assert loss.shape == ()
    assert loss.item() > 0


def test_unknown_method_is_rejected(tiny_config):
    with pytest.raises(ValueError, match="unknown method"):
        drc_mini.build_generator(tiny_config, "pixel-copy")


def test_drc_method_needs_a_disentangler(tiny_config):
    with pytest.raises(ValueError, match="disentangler"):
        drc_mini.build_generator(tiny_config, "drc")


def test_tiny_training_settings_follow_the_default_recipe_on_a_small_budget():
    tiny, default = TrainConfig.tiny(), TrainConfig()
    assert tiny.stage2_steps < default.stage2_steps
    assert tiny.pool_styles < default.pool_styles
    assert tiny.methods == default.methods
    assert tiny.importance == default.importance


def test_resuming_with_other_settings_is_refused(trained_model_dir, tiny_config, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    other_seed = dataclasses.replace(TrainConfig.tiny(), seed=5)
    with pytest.raises(InputError, match="other training settings"):
        train_builtin(folder, other_seed, tiny_config)


def test_checkpoints_stamped_before_an_inference_setting_existed_still_resume(
    trained_model_dir, tiny_config, tmp_path
):
    """The guidance weights, default steps and reference view are chosen after training: a
    checkpoint folder stamped with other values of them, or without ``reference_view``
    (stamps from before it existed), resumes."""
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    stamp = folder / "checkpoints" / "recipe.json"
    recipe = json.loads(stamp.read_text())
    del recipe["model"]["reference_view"]
    recipe["model"].update(style_guidance=9.0, semantic_guidance=1.0, default_steps=7)
    stamp.write_text(json.dumps(recipe, sort_keys=True))
    train_builtin(
        folder, TrainConfig.tiny(), dataclasses.replace(tiny_config, reference_view="clean")
    )
    assert json.loads(stamp.read_text())["model"]["reference_view"] == "clean"


def test_an_unreadable_stamp_blocks_resuming(trained_model_dir, tiny_config, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    (folder / "checkpoints" / "recipe.json").write_text("[1, 2")
    with pytest.raises(InputError, match="other training settings"):
        train_builtin(folder, TrainConfig.tiny(), tiny_config)


def test_a_training_setting_of_the_model_still_blocks_resuming(
    trained_model_dir, tiny_config, tmp_path
):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    wider = dataclasses.replace(tiny_config, part_dim=tiny_config.part_dim * 2)
    with pytest.raises(InputError, match="other training settings"):
        train_builtin(folder, TrainConfig.tiny(), wider)


# ----------------------------------------------------------------------- learning rate


def _single_cycle_rate(step: int, lr: float, steps: int) -> float:
    """v2's first schedule, written out: 200 warm-up steps, cosine to a tenth over ``steps``."""
    warmup = min(1.0, (step + 1) / 200)
    return lr * warmup * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * step / steps)))


def test_the_first_cycle_is_the_schedule_the_first_3000_steps_were_trained_with():
    recipe = TrainConfig()
    assert recipe.stage2_restarts[0] == 3000 and recipe.stage2_steps > 3000
    for step in (0, 1, 199, 200, 1500, 2999):
        assert stage2.stage2_learning_rate(step, recipe) == pytest.approx(
            _single_cycle_rate(step, recipe.stage2_lr, 3000), rel=1e-12
        )
    without = dataclasses.replace(recipe, stage2_steps=3000, stage2_restarts=())
    assert stage2.stage2_learning_rate(2999, without) == stage2.stage2_learning_rate(2999, recipe)


def test_later_cycles_keep_the_schedules_earlier_versions_were_trained_with():
    """Each version resumed the last one's checkpoints: v2.1 stopped at 5,000 steps, v2.3 at
    7,000; the steps they trained keep the rates they were trained with."""
    recipe = TrainConfig()
    v2_1 = TrainConfig(stage2_steps=5000, stage2_restarts=(3000,))
    v2_3 = TrainConfig(stage2_steps=7000, stage2_restarts=(3000, 5000))
    assert recipe.stage2_restarts == (3000, 5000, 7000) and recipe.stage2_steps == 9000
    for step in (3000, 3199, 3200, 4000, 4999):
        assert stage2.stage2_learning_rate(step, recipe) == stage2.stage2_learning_rate(step, v2_1)
    for step in (5000, 5199, 6000, 6999):
        assert stage2.stage2_learning_rate(step, recipe) == stage2.stage2_learning_rate(step, v2_3)
    assert stage2.stage2_learning_rate(5199, recipe) < stage2.stage2_learning_rate(3199, recipe)
    assert stage2.stage2_learning_rate(7199, recipe) < stage2.stage2_learning_rate(5199, recipe)


def test_a_restart_warms_up_to_a_lower_peak_and_decays_to_a_tenth_of_it():
    recipe = TrainConfig(stage2_steps=5000, stage2_restarts=(3000,), stage2_restart_scale=0.5)
    rates = [stage2.stage2_learning_rate(step, recipe) for step in range(5000)]
    peak = recipe.stage2_lr * 0.5
    assert rates[3000] == pytest.approx(peak / 200 * (0.1 + 0.9), rel=1e-9)
    assert rates[3000] < rates[2999] / 5  # the rate dropped to the new warm-up's start
    warmed_up = peak * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * 199 / 2000)))
    assert max(rates[3000:]) == pytest.approx(warmed_up, rel=1e-9)
    assert rates[4999] == pytest.approx(peak * 0.1, rel=1e-3)
    assert all(b <= a for a, b in itertools.pairwise(rates[3200:]))


def test_restarts_outside_the_run_and_repeats_are_ignored():
    plain = TrainConfig(stage2_steps=1000, stage2_restarts=())
    odd = dataclasses.replace(plain, stage2_restarts=(0, 1000, 4000, -5))
    twice = TrainConfig(stage2_steps=1000, stage2_restarts=(400, 400))
    once = dataclasses.replace(twice, stage2_restarts=(400,))
    for step in (0, 399, 400, 999):
        assert stage2.stage2_learning_rate(step, odd) == stage2.stage2_learning_rate(step, plain)
        assert stage2.stage2_learning_rate(step, twice) == stage2.stage2_learning_rate(step, once)


@pytest.mark.parametrize("scale", [0.0, -0.5, float("nan")])
def test_a_restart_scale_that_is_not_positive_is_refused(scale):
    with pytest.raises(ValueError, match="stage2_restart_scale"):
        TrainConfig(stage2_restart_scale=scale)
