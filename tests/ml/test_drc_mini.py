"""Specification of the drc-mini inference API (``MiniModel``)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import pytest
import torch
from PIL import Image

from drc_desktop.core.errors import InputError, ModelError
from drc_desktop.ml.builtin.drc_mini import MiniConfig, MiniModel
from drc_desktop.ml.builtin.sticker_data import held_out_cases, images_to_tensor

STEPS = 3


@pytest.fixture(scope="module")
def case():
    return held_out_cases(1)[1]


def run(model: MiniModel, case, **options) -> list:
    options = {"n": 2, "steps": STEPS, "seed": 0, **options}
    return list(model.generate(case.history_images(), case.reference_image(), **options))


def pixels(images: list[Image.Image]) -> list[bytes]:
    return [image.tobytes() for image in images]


def test_generate_reports_each_step_then_yields_the_images(trained_model, case):
    results = run(trained_model, case, n=3)
    assert [(step, total) for step, total, _ in results] == [(s, STEPS) for s in (1, 2, 3)]
    assert all(images is None for _, _, images in results[:-1])
    images = results[-1][2]
    assert len(images) == 3
    assert all(image.size == (64, 64) and image.mode == "RGB" for image in images)


def test_generate_is_deterministic_for_a_seed(trained_model, case):
    first = pixels(run(trained_model, case, seed=4)[-1][2])
    assert pixels(run(trained_model, case, seed=4)[-1][2]) == first
    assert pixels(run(trained_model, case, seed=5)[-1][2]) != first


def test_each_candidate_is_a_different_image(trained_model, case):
    images = run(trained_model, case, n=2)[-1][2]
    assert images[0].tobytes() != images[1].tobytes()


def test_the_entangled_baseline_generates_too(trained_model, case):
    images = run(trained_model, case, method="entangled")[-1][2]
    assert len(images) == 2


def test_default_step_count_comes_from_the_config(trained_model, case):
    first = next(trained_model.generate(case.history_images(), case.reference_image(), n=1))
    assert first == (1, trained_model.config.default_steps, None)


def test_empty_history_is_a_model_error(trained_model, case):
    with pytest.raises(InputError, match="history is empty"):
        list(trained_model.generate([], case.reference_image(), n=1, steps=1))


@pytest.mark.parametrize("option", ["style_strength", "semantic_strength"])
@pytest.mark.parametrize("value", [-0.1, 2.1])
def test_out_of_range_strength_is_rejected(trained_model, case, option, value):
    with pytest.raises(ValueError, match="strength"):
        run(trained_model, case, **{option: value})


def test_zero_candidates_are_rejected(trained_model, case):
    with pytest.raises(ValueError, match="n must be"):
        run(trained_model, case, n=0)


def test_a_folder_without_a_model_is_a_model_error(tmp_path):
    with pytest.raises(ModelError, match="no trained drc-mini model"):
        MiniModel.load(tmp_path)


def test_a_tampered_model_is_refused_before_loading(trained_model_dir, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(trained_model_dir, folder)
    weights = folder / "generator-drc.safetensors"
    data = bytearray(weights.read_bytes())
    data[-1] ^= 0x01
    weights.write_bytes(bytes(data))
    with pytest.raises(ModelError, match=r"generator-drc\.safetensors"):
        MiniModel.load(folder)


def test_config_round_trips_through_json(tmp_path, tiny_config):
    path = tmp_path / "config.json"
    path.write_text(tiny_config.to_json())
    assert MiniConfig.from_file(path) == tiny_config


def test_an_invalid_config_is_a_model_error(tmp_path):
    path = tmp_path / "config.json"
    path.write_text('{"resolution": 32}')
    with pytest.raises(ModelError, match="not a valid drc-mini config"):
        MiniConfig.from_file(path)


def test_style_strength_zero_leaves_the_style_out_of_every_condition(trained_model, case):
    history = trained_model.encode_images(case.history_images()).tokens[None]
    reference = trained_model.encode_images([case.reference_image()]).tokens
    inputs = trained_model.guidance_inputs("drc", history, reference, reference, use_style=False)
    assert inputs.style_only.tokens.equal(inputs.unconditional.tokens)
    with_style = trained_model.guidance_inputs("drc", history, reference, reference)
    assert not with_style.style_only.tokens.equal(with_style.unconditional.tokens)


def test_generation_stops_when_asked(trained_model, case):
    steps = run(trained_model, case, should_stop=lambda: True)
    assert steps == []


def test_a_v1_config_without_a_patch_size_loads_as_v1(tmp_path, tiny_config):
    """drc-mini v1 folders (the shipped model until v2 improves on it) have no patch_size:
    they are 32x32 pixel models with cross-attention at one level."""
    data = json.loads(tiny_config.to_json())
    del data["patch_size"]
    data.update(resolution=32)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    config = MiniConfig.from_file(path)
    assert (config.patch_size, config.attention_levels, config.resolution) == (1, 1, 32)


def with_view(model: MiniModel, view: str) -> MiniModel:
    """The same weights with another ``reference_view``."""
    config = dataclasses.replace(model.config, reference_view=view)
    return MiniModel(config, model.encoder, model.generators, model.disentangler, model.space)


@pytest.mark.parametrize("view", ["variants", "clean_query", "clean"])
def test_each_reference_view_gives_the_semtower_what_it_names(trained_model, case, view):
    reference = images_to_tensor([case.reference_image()] * 2)
    clean = trained_model.encode_tensor(reference).tokens
    query, partner = with_view(trained_model, view).reference_variants(
        reference, torch.Generator().manual_seed(3)
    )
    variants, variant_partner = with_view(trained_model, "variants").reference_variants(
        reference, torch.Generator().manual_seed(3)
    )
    expected_query = variants if view == "variants" else clean
    expected_partner = clean if view == "clean" else variant_partner
    torch.testing.assert_close(query, expected_query)
    torch.testing.assert_close(partner, expected_partner)
    assert not torch.allclose(clean, variants)  # the views differ, so the test can fail


def test_every_reference_view_leaves_the_generator_in_the_same_state(trained_model, case):
    reference = images_to_tensor([case.reference_image()])
    states = []
    for view in ("variants", "clean_query", "clean"):
        generator = torch.Generator().manual_seed(5)
        with_view(trained_model, view).reference_variants(reference, generator)
        states.append(generator.get_state())
    assert all(state.equal(states[0]) for state in states)


def test_an_unknown_reference_view_is_a_model_error(tmp_path, tiny_config):
    data = json.loads(tiny_config.to_json())
    data["reference_view"] = "raw"
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ModelError, match="reference_view must be one of"):
        MiniConfig.from_file(path)


def test_a_config_without_a_reference_view_reads_variants_as_before(tmp_path, tiny_config):
    data = json.loads(tiny_config.to_json())
    del data["reference_view"]
    path = tmp_path / "config.json"
    path.write_text(json.dumps(data))
    assert MiniConfig.from_file(path).reference_view == "variants"
