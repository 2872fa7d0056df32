"""The generator's working space: the sticker autoencoder and the patch grid."""

from __future__ import annotations

import dataclasses
import json

import pytest
import torch

from drc_desktop.ml.builtin import drc_mini, evaluation
from drc_desktop.ml.builtin.autoencoder import PatchSpace, StickerAutoencoder
from drc_desktop.ml.builtin.evaluation import autoencoder_fidelity
from drc_desktop.ml.builtin.judges import AttributeNet, Judges
from drc_desktop.ml.builtin.sticker_data import images_to_tensor, render_pool, validation_cases
from drc_desktop.ml.builtin.training.autoencoder import train_autoencoder


def test_the_autoencoder_maps_stickers_to_a_16x16_latent_grid_and_back():
    torch.manual_seed(0)
    autoencoder = StickerAutoencoder(latent_channels=4).eval()
    images = torch.rand(2, 3, 64, 64)
    latents = autoencoder.encode(images)
    assert latents.shape == (2, 4, 16, 16)
    decoded = autoencoder.decode(latents)
    assert decoded.shape == (2, 3, 64, 64)
    assert decoded.min() >= 0.0 and decoded.max() <= 1.0


def test_the_patch_space_is_exact():
    images = torch.rand(2, 3, 64, 64)
    space = PatchSpace(4)
    cells = space.encode(images)
    assert cells.shape == (2, 48, 16, 16)
    assert torch.allclose(space.decode(cells), images, atol=1e-6)


def test_training_lowers_the_reconstruction_error_and_sets_a_unit_variance_scale():
    pool = render_pool(3, seed=5)
    images = pool.images[:, :8].flatten(0, 1).float() / 255.0
    torch.manual_seed(0)
    autoencoder = StickerAutoencoder()

    def error() -> float:
        with torch.no_grad():
            return float((autoencoder.decode(autoencoder.encode(images)) - images).abs().mean())

    before = error()
    autoencoder, curve = train_autoencoder(
        autoencoder, pool, 60, 8, torch.Generator().manual_seed(0)
    )
    assert error() < 0.5 * before
    assert len(curve) == 2 and curve[-1] < curve[0]
    with torch.no_grad():
        spread = float(autoencoder.encode(pool.images.flatten(0, 1).float() / 255.0).std())
    assert spread == pytest.approx(1.0, abs=0.15)
    assert not any(p.requires_grad for p in autoencoder.parameters())


def test_config_files_without_latent_channels_keep_the_patch_grid(tmp_path, tiny_config):
    data = json.loads(tiny_config.to_json())
    assert data["latent_channels"] == 4
    del data["latent_channels"]
    (tmp_path / "config.json").write_text(json.dumps(data))
    config = drc_mini.MiniConfig.from_file(tmp_path / "config.json")
    assert config.latent_channels == 0
    assert isinstance(drc_mini.build_space(config), PatchSpace)
    assert drc_mini.cell_channels(config) == 48
    assert drc_mini.cell_channels(tiny_config) == 4


def test_fidelity_of_an_exact_space_is_perfect_agreement(trained_model):
    """The judges' verdicts on reconstructions equal those on renders when the space is
    exact; the tiny trained autoencoder is not, which the same report shows."""
    cases = validation_cases(1)
    targets = images_to_tensor([case.target_image() for case in cases])
    torch.manual_seed(0)
    judges = [Judges(AttributeNet())]
    exact = dataclasses.replace(trained_model.config)  # a copy; the model is shared
    model = drc_mini.MiniModel(
        exact, trained_model.encoder, trained_model.generators, trained_model.disentangler,
        PatchSpace(4),
    )  # fmt: skip
    report = autoencoder_fidelity(model, judges, cases, targets)
    fidelity = report[evaluation.JUDGE_FILES[0]]
    assert set(fidelity["agreement"].values()) == {1.0}
    clean = evaluation.judge_accuracy(judges[0], cases, targets)
    assert fidelity["reconstructions"]["all"] == clean["all"]

    lossy = autoencoder_fidelity(trained_model, judges, cases, targets)[evaluation.JUDGE_FILES[0]]
    assert min(lossy["agreement"].values()) < 1.0


def test_the_decoder_phase_leaves_the_latents_unchanged():
    """Stage 0's second phase trains the decoder only: the latents stage 2 learns stay."""
    pool = render_pool(2, seed=6)
    images = pool.images[:, :4].flatten(0, 1).float() / 255.0
    torch.manual_seed(0)
    autoencoder, _ = train_autoencoder(
        StickerAutoencoder(), pool, 4, 4, torch.Generator().manual_seed(0)
    )
    with torch.no_grad():
        latents = autoencoder.encode(images)
        decoded = autoencoder.decode(latents)
    scale = float(autoencoder.scale)
    autoencoder, curve = train_autoencoder(
        autoencoder, pool, 4, 4, torch.Generator().manual_seed(1), decoder_only=True
    )
    with torch.no_grad():
        assert torch.equal(autoencoder.encode(images), latents)
        assert not torch.allclose(autoencoder.decode(latents), decoded)
    assert float(autoencoder.scale) == scale
    assert len(curve) == 1
